/**
 * The wire contract held to the standards, checked with tools nobody here wrote: every message the
 * sending code builds is a valid CloudEvent for the `cloudevents` SDK in strict mode and follows
 * the NATS protocol binding (structured mode: Content-Type application/cloudevents+json); the
 * envelope schema refuses what CloudEvents forbids, as the SDK does; free text refuses control and
 * bidi-override characters, naming the field; every header value is ASCII.
 */
import { readFileSync } from "node:fs";
import { CloudEvent } from "cloudevents";
import { describe, expect, it } from "vitest";
import { catalog, MESSAGE_TYPES, RawEnvelope, sampleData, type InputOf, type MessageType } from "@schakel/contracts";
import { asciiHeaderValue, CLOUDEVENTS_JSON, HEADERS, replayCopyId } from "@schakel/contracts/bus";
import { camelId } from "../src/docs/asyncapi.ts";
import { ASYNCAPI_FILE, GENERATED_DIR } from "../src/docs/generate.ts";
import { exampleMessage, EXAMPLE_ROUTES } from "../src/docs/examples.ts";
import { testOrganisations } from "@schakel/contracts/bus/testing";
import { ORGANISATIONS } from "./test-organisations.ts";

const orgs = testOrganisations([
  ...ORGANISATIONS,
  { id: "fed-police", name: "Federale Politie", level: "federal", roles: ["liaison", "livc-partner"] },
  { id: "antwerpen", name: "Stad Antwerpen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "onderwijs", name: "Departement Onderwijs", level: "flemish", roles: ["policy-domain"], domain: "onderwijs" },
  { id: "vvsg", name: "VVSG", level: "supralocal", roles: ["knowledge-partner"] },
]);
const dec = new TextDecoder();
const ascii = /^[\x20-\x7e]*$/;

/** What the sending code puts on the wire for `type`, with `data`. */
const outgoing = <T extends MessageType>(type: T, data: InputOf<T> = sampleData(type) as InputOf<T>) =>
  orgs.message(EXAMPLE_ROUTES[type].from, type, data, { to: EXAMPLE_ROUTES[type].to });

describe("wire - CloudEvents and the NATS binding", () => {
  it("wire - every type's message is a strict CloudEvent in structured mode with ASCII headers", () => {
    for (const type of MESSAGE_TYPES) {
      const out = outgoing(type);
      const event = JSON.parse(dec.decode(out.body)) as Record<string, unknown>;
      expect(() => new CloudEvent(event, true), type).not.toThrow();
      expect(out.headers.get(HEADERS.contentType), type).toBe(CLOUDEVENTS_JSON);
      expect(out.headers.get(HEADERS.msgId), type).toBe(out.envelope.id);
      expect(out.headers.get(HEADERS.traceparent), type).toBe(out.envelope.traceparent);
      // Structured mode: no binary-mode ce- headers.
      for (const name of out.headers.keys()) {
        expect(name.toLowerCase().startsWith("ce-"), name).toBe(false);
        expect(out.headers.get(name), `${type} ${name}`).toMatch(ascii);
      }
    }
  });

  it("wire - the envelope schema refuses what CloudEvents forbids, as the SDK's strict mode does", () => {
    const good = JSON.parse(exampleMessage("notice.posted").body) as Record<string, unknown>;
    expect(RawEnvelope.safeParse(good).success).toBe(true);
    const bad: Record<string, Record<string, unknown>> = {
      "source with a space": { ...good, source: "urn:schakel:org:fed ocam" },
      "dataschema not a URI": { ...good, dataschema: "notice posted v1" },
      "extension name with upper case and underscore": { ...good, Trace_Flag: "x" },
    };
    for (const [what, envelope] of Object.entries(bad)) {
      expect(RawEnvelope.safeParse(envelope).success, what).toBe(false);
      expect(() => new CloudEvent(envelope, true), what).toThrow();
    }
    // CloudEvents 1.0: at most 20 characters (the SDK no longer checks the length; we do).
    const long = RawEnvelope.safeParse({ ...good, abcdefghijabcdefghijk: "x" });
    expect(long.success).toBe(false);
    expect(long.error!.issues[0]!.path).toEqual(["abcdefghijabcdefghijk"]);
  });
});

describe("wire - the AsyncAPI document says what is on the wire", () => {
  const doc = JSON.parse(readFileSync(new URL(ASYNCAPI_FILE, GENERATED_DIR), "utf8")) as Record<string, any>;

  it("wire - every message declares the structured content type and its sender roles; the server is a variable, not a fixed localhost:4222", () => {
    expect(doc.defaultContentType).toBe(CLOUDEVENTS_JSON);
    for (const type of MESSAGE_TYPES) {
      const m = doc.components.messages[camelId(type)];
      expect(m.contentType, type).toBe(CLOUDEVENTS_JSON);
      expect(m["x-schakel-senders"], type).toEqual([...catalog[type].senders]);
      expect(m.examples[0].headers[HEADERS.contentType], type).toBe(CLOUDEVENTS_JSON);
    }
    const servers = Object.values(doc.servers) as Record<string, any>[];
    expect(servers.map((s) => s.host)).toEqual(["{host}:{port}"]);
    expect(Object.keys(servers[0]!.variables).sort()).toEqual(["host", "port"]);
  });

  it("wire - the sandbox channel carries replayed copies whose message id is the replay run's, as the replay writes it", () => {
    const copy = doc.components.messages.replayedCopy;
    expect(doc.channels.sandbox.messages).toEqual({ replayedCopy: { $ref: "#/components/messages/replayedCopy" } });
    expect(copy.headers).toEqual({ $ref: "#/components/schemas/ReplayHeaders" });
    const pattern = new RegExp(doc.components.schemas.ReplayHeaders.properties[HEADERS.msgId].pattern);
    expect(replayCopyId(crypto.randomUUID(), "COORD", 42)).toMatch(pattern);
    // The live messages' pattern (a UUID) would not fit it: the channel must not reuse their headers.
    expect(replayCopyId(crypto.randomUUID(), "COORD", 42)).not.toMatch(new RegExp(doc.components.schemas.MessageHeaders.properties[HEADERS.msgId].pattern));
  });
});

describe("wire - free text", () => {
  const refusedField = (type: MessageType, data: unknown): string | undefined => {
    try {
      outgoing(type, data as InputOf<typeof type>);
      return undefined;
    } catch (err) {
      expect((err as Error).message).toMatch(/control characters/);
      return (err as { issues?: { path: string }[] }).issues?.map((i) => i.path).join(",");
    }
  };

  it("wire - control, escape, DEL, C1 and bidi-override characters are refused in titles and bodies, naming the field", () => {
    const notice = sampleData("notice.posted");
    for (const c of ["\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u009b", "\u202a", "\u202e", "\u2066", "\u2069"]) {
      expect(refusedField("notice.posted", { ...notice, title: `Dreiging ${c} gewijzigd` }), JSON.stringify(c)).toBe("data.title");
      expect(refusedField("notice.posted", { ...notice, body: `Eerste regel ${c} tweede` }), JSON.stringify(c)).toBe("data.body");
    }
    // A body may hold line breaks and tabs; a title may not.
    expect(refusedField("notice.posted", { ...notice, body: "Regel een\n\tRegel twee" })).toBeUndefined();
    expect(refusedField("notice.posted", { ...notice, title: "Regel een\tRegel twee" })).toBe("data.title");
    // Other free-text fields: a receipt's remark, a signal's description, a digest item's title.
    expect(refusedField("notice.acknowledged", { ...sampleData("notice.acknowledged"), remark: "ok \u001b[31m" })).toBe("data.remark");
    expect(refusedField("signal.raised", { ...sampleData("signal.raised"), description: "zie \u202ekoob" })).toBe("data.description");
    const digest = sampleData("digest.published");
    expect(refusedField("digest.published", { ...digest, items: [{ ...digest.items[0]!, title: "Nieuw\u0000" }] })).toBe("data.items.0.title");
  });

  it("wire - a header value is kept ASCII on one line (a dead letter's detail)", () => {
    expect(asciiHeaderValue("envelope says a→b … niet gevonden\nvolgende")).toBe("envelope says a\\u{2192}b ... niet gevonden volgende");
    expect(asciiHeaderValue("x".repeat(2_000))).toHaveLength(1_000);
  });
});
