/**
 * The committed AsyncAPI document is valid AsyncAPI 3.0, describes every catalog type with its
 * subject pattern, headers and operations, and its examples are real: they pass the document's
 * own schemas, the zod schemas, and their signatures verify.
 */
import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";
import { beforeAll, describe, expect, it } from "vitest";
import { catalog, MESSAGE_TYPES, parseMessageSubject } from "@schakel/contracts";
import { ed25519PublicKey, HEADERS, verifySignature } from "@schakel/contracts/bus";
import { camelId } from "../src/docs/asyncapi.ts";
import { exampleMessage } from "../src/docs/examples.ts";
import { ASYNCAPI_FILE, GENERATED_DIR } from "../src/docs/generate.ts";
import { envelopeOf } from "../src/docs/json-schema.ts";

type Json = Record<string, any>;

describe("docs - AsyncAPI document", () => {
  let text: string;
  let doc: Json;
  beforeAll(async () => {
    text = await readFile(new URL(ASYNCAPI_FILE, GENERATED_DIR), "utf8");
    doc = JSON.parse(text);
  });

  it("docs - the committed document parses with @asyncapi/parser with zero errors (and zero warnings)", async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    const show = (severity: DiagnosticSeverity) => diagnostics.filter((d) => d.severity === severity).map((d) => `${d.code} at ${d.path.join("/")}: ${d.message}`);
    expect(show(DiagnosticSeverity.Error)).toEqual([]);
    expect(show(DiagnosticSeverity.Warning)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe("3.0.0");
    // Every live channel, the dead-letter channel and the sandbox channel survive parsing.
    expect(document!.channels().length).toBe(MESSAGE_TYPES.length + 2);
    expect(document!.operations().length).toBe(MESSAGE_TYPES.length * 2 + 3);
  });

  it("docs - every catalog type has a channel with audience and sender parameters, and send/receive operations", () => {
    for (const type of MESSAGE_TYPES) {
      const id = camelId(type);
      const channel = doc.channels[id];
      expect(channel, type).toBeDefined();
      expect(Object.keys(channel.parameters)).toEqual(["audience", "sender"]);
      // The pattern is a real subject once its parameters are filled in.
      const parts = parseMessageSubject(channel.address.replace("{audience}", "mechelen").replace("{sender}", "fed-ocam"));
      expect(parts).toMatchObject({ audience: "mechelen", sender: "fed-ocam", type });
      const actions = Object.values(doc.operations as Json).filter((op) => op.channel.$ref === `#/channels/${id}`).map((op) => op.action);
      expect(actions.sort()).toEqual(["receive", "send"]);
      const message = doc.components.messages[id];
      expect(message.name).toBe(type);
      expect(message.title).toBe(`${type} v${catalog[type].version}`);
    }
  });

  it("docs - messages declare the signature and trace headers, and examples pass the document's schemas", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "asyncapi", components: doc.components });
    const resolve = (schema: Json) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"asyncapi#/components/'));
    const headers = ajv.compile(resolve(doc.components.schemas.MessageHeaders));
    expect(doc.components.schemas.MessageHeaders.required).toEqual(expect.arrayContaining([HEADERS.signature, HEADERS.traceparent, HEADERS.msgId]));
    for (const type of MESSAGE_TYPES) {
      const message = doc.components.messages[camelId(type)];
      const payload = ajv.compile(resolve(message.payload));
      const [example] = message.examples;
      expect(payload(example.payload), `${type}: ${ajv.errorsText(payload.errors)}`).toBe(true);
      expect(headers(example.headers), `${type} headers: ${ajv.errorsText(headers.errors)}`).toBe(true);
      // The payload schema is not a formality: a message without its data's required fields fails.
      const broken = { ...example.payload, data: {} };
      expect(payload(broken), type).toBe(false);
    }
  });

  it("docs - examples are valid messages for the bus: zod accepts them and their signatures verify", () => {
    for (const type of MESSAGE_TYPES) {
      const committed = doc.components.messages[camelId(type)].examples[0];
      // Decoded the way receivers decode it: a well-formed user nkey with a valid checksum.
      const key = ed25519PublicKey(committed.payload.signingkey);
      const parsed = envelopeOf(type).safeParse(committed.payload);
      expect(parsed.success, `${type}: ${parsed.error?.message}`).toBe(true);
      const { subject } = exampleMessage(type);
      const body = new TextEncoder().encode(JSON.stringify(committed.payload));
      expect(verifySignature(key, subject, body, committed.headers[HEADERS.signature]), type).toBe(true);
      expect(committed.headers[HEADERS.msgId]).toBe(committed.payload.id);
    }
  });
});
