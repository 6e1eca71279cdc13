/**
 * The generated documents never drift from the catalog: the committed files are exactly what the
 * generator produces now. The standalone JSON Schemas (2020-12) accept the examples and name the
 * failing fields of an invalid message, like the bus does.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { catalog, dataSchemaUri, MESSAGE_TYPES } from "@schakel/contracts";
import { exampleMessage } from "../src/docs/examples.ts";
import { dataSchemaFile, envelopeSchemaFile, generateDocs, GENERATED_DIR } from "../src/docs/generate.ts";
import { readTree } from "../src/docs/tree.ts";

describe("docs - generated files", () => {
  let committed: Map<string, string>;
  let generated: Map<string, string>;
  beforeAll(async () => {
    committed = await readTree(GENERATED_DIR);
    generated = generateDocs();
  });

  it("docs - the committed generated files equal what the generator produces now", () => {
    const fix = 'run "npm run docs -w @schakel/contracts" and commit contracts/generated/';
    const missing = [...generated.keys()].filter((f) => !committed.has(f));
    const stale = [...committed.keys()].filter((f) => !generated.has(f));
    const differing = [...generated.keys()].filter((f) => committed.has(f) && committed.get(f) !== generated.get(f));
    expect({ missing, stale, differing }, fix).toEqual({ missing: [], stale: [], differing: [] });
    // 1 AsyncAPI document + 1 index + 1 envelope schema + data and message schema per type + test vectors.
    const vectors = [...committed.keys()].filter((f) => f.startsWith("test-vectors/")).length;
    expect(vectors).toBeGreaterThan(MESSAGE_TYPES.length + 20);
    expect(committed.size).toBe(3 + 2 * MESSAGE_TYPES.length + vectors);
  });

  it("docs - generating twice gives the same bytes (examples use fixed ids, times and signatures)", () => {
    const again = generateDocs();
    for (const [file, text] of generated) expect(again.get(file), file).toBe(text);
  });

  it("docs - every data and message schema accepts its example and names the fields of an invalid one", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const type of MESSAGE_TYPES) {
      const dataSchema = JSON.parse(committed.get(dataSchemaFile(type))!);
      const messageSchema = JSON.parse(committed.get(envelopeSchemaFile(type))!);
      expect(dataSchema.$id).toBe(dataSchemaUri(type));
      expect(dataSchema.title).toBe(`${type} v${catalog[type].version} data`);
      const data = ajv.compile(dataSchema);
      const message = ajv.compile(messageSchema);
      const example = exampleMessage(type);
      expect(data(example.envelope.data), `${type}: ${ajv.errorsText(data.errors)}`).toBe(true);
      expect(message(example.envelope), `${type}: ${ajv.errorsText(message.errors)}`).toBe(true);
      expect(message({ ...example.envelope, type: "other.type" }), type).toBe(false);
    }
    const notice = ajv.getSchema(dataSchemaUri("notice.posted"))!;
    const invalid = { ...(exampleMessage("notice.posted").envelope.data as object), title: "", category: "rumour", recipients: [] };
    expect(notice(invalid)).toBe(false);
    expect(new Set(notice.errors!.map((e) => e.instancePath))).toEqual(new Set(["/title", "/category", "/recipients"]));
  });

  it("docs - input schemas: defaulted fields are optional and objects stay open for compatible additions", () => {
    const notice = JSON.parse(committed.get(dataSchemaFile("notice.posted"))!);
    expect(notice.required).not.toContain("ackRequired");
    expect(notice.properties.ackRequired.default).toBe(false);
    expect(notice.additionalProperties).toBeUndefined();
  });
});
