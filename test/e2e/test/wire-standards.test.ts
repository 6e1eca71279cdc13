/**
 * What a running stack stores is what the standards and the published contract say, checked with
 * tools nobody here wrote. `schakel up` runs the level services; every message type is sent once
 * by an organisation allowed to send it (the services add their receipts), a receipt naming another
 * organisation is refused by its receiver (a dead letter) and the window is replayed into a sandbox
 * with `schakel replay`. Then every stored
 * message is read as stored and checked: the `cloudevents` SDK in strict mode, the CloudEvents
 * NATS binding (Content-Type application/cloudevents+json: structured mode, no ce- headers), the
 * AsyncAPI document (parsed by @asyncapi/parser without errors) with ajv for each payload and
 * header set, ASCII header values, and the receiver's own check.
 */
import { readFileSync } from "node:fs";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { CloudEvent } from "cloudevents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_TYPES, sampleData, STREAMS, type InputOf, type MessageType } from "@schakel/contracts";
import {
  CLOUDEVENTS_JSON, connectBus, HEADERS, KeyDirectory, OperatorConnection, readCredentials, verifyStored, type Bus, type StoredMessage,
} from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { eventually, schakel, startRunningBus, stopRunningBus, type RunningBus } from "../src/mod.ts";

type Json = Record<string, any>;

/** Who sends each type to whom in this flow (a sender the catalog allows, by the demo registry's roles). */
const ROUTES: Record<MessageType, [from: string, to: string]> = {
  "notice.posted": ["fed-ocam", "mechelen"],
  "notice.delivered": ["mechelen", "fed-ocam"],
  "notice.acknowledged": ["mechelen", "fed-ocam"],
  "signal.raised": ["vilvoorde", "vpr"],
  "signal.escalated": ["vpr", "federal"],
  "signal.acknowledged": ["mechelen", "vilvoorde"],
  "signal.triaged": ["vpr", "vilvoorde"],
  "signal.reported": ["fed-police", "vpr"],
  "signal.info.provided": ["vilvoorde", "vpr"],
  "policy.update.published": ["onderwijs", "vpr"],
  "digest.published": ["vpr", "mechelen"],
  "coordination.requested": ["fed-police", "mechelen"],
  "coordination.responded": ["mechelen", "fed-police"],
  "livc.composition.set": ["antwerpen", "mechelen"],
  "case.opened": ["antwerpen", "mechelen"],
  "case.key.requested": ["mechelen", "antwerpen"],
  "case.key.granted": ["antwerpen", "mechelen"],
  "case.consultation.requested": ["antwerpen", "mechelen"],
  "case.consultation.responded": ["mechelen", "antwerpen"],
  "case.plan.set": ["antwerpen", "mechelen"],
  "case.task.reported": ["mechelen", "antwerpen"],
  "case.corrected": ["antwerpen", "mechelen"],
  "case.closed": ["antwerpen", "mechelen"],
  "case.transferred": ["antwerpen", "mechelen"],
  "case.erased": ["antwerpen", "mechelen"],
  "knowledge.shared": ["vvsg", "all"],
  "knowledge.curated": ["vvsg", "all"],
  "digest.read": ["mechelen", "welzijn"],
  "digest.item.routed": ["mechelen", "clb-mechelen"],
  "escalation.raised": ["vpr", "vilvoorde"],
  "glossary.proposed": ["onderwijs", "vpr"],
  "glossary.adopted": ["vpr", "all"],
  "read.recorded": ["mechelen", "mechelen"],
};
const ASCII = /^[\x20-\x7e]*$/;
const pascal = (type: string): string => type.replace(/(^|\.)([a-z])/g, (_, _dot: string, c: string) => c.toUpperCase());

let bus: Partial<RunningBus> = {};
let op: OperatorConnection;
const buses = new Map<string, Bus>();
let stored: Map<string, StoredMessage[]>;
let doc: Json;
let forged: { stream: string; seq: number };
let ajv: Ajv;

async function read(stream: string, filter: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for await (const m of op.readRange({ stream, filter, since: new Date(0) })) out.push(m);
  return out;
}
const headersOf = (m: StoredMessage): Record<string, string> => Object.fromEntries((m.headers?.keys() ?? []).map((k) => [k, m.headers!.get(k)]));
const compile = (pointer: string): ValidateFunction => ajv.compile({ $ref: `asyncapi#/components/${pointer}` });

beforeAll(async () => {
  bus = await startRunningBus("wire", []);
  const { dataDir, up } = bus as RunningBus;
  const directory = KeyDirectory.fromFile(directoryPath(dataDir));
  const connectAs = async (org: string): Promise<Bus> => {
    if (!buses.has(org)) buses.set(org, await connectBus({ servers: up.summary.url, credentials: await readCredentials(credentialsPath(dataDir, org)), directory, reconnect: false }));
    return buses.get(org)!;
  };
  for (const type of MESSAGE_TYPES) {
    const [from, to] = ROUTES[type];
    const data = { ...(sampleData(type) as object), ...(type === "notice.delivered" || type === "notice.acknowledged" ? { recipient: from } : {}) };
    await (await connectAs(from)).publish(type, data as InputOf<typeof type>, { to });
  }
  // The services answer (delivery receipts); a receipt in another's name is refused at fed-ocam (a dead letter).
  forged = await (await connectAs("mechelen")).publish("notice.acknowledged", { ...sampleData("notice.acknowledged"), recipient: "antwerpen", remark: "gezien…" }, { to: "fed-ocam" });
  const admin = JSON.parse(readFileSync(credentialsPath(dataDir, "admin"), "utf8")) as { seed: string };
  op = await OperatorConnection.connect({ servers: up.summary.url, as: "admin", seed: admin.seed, reconnect: false });
  await eventually("the services' delivery receipts", async () => (await read(STREAMS.coord.name, "coord.*.*.notice.delivered")).length > 1, 30_000, 250);
  await eventually("the forged receipt's dead letter", async () => (await read(STREAMS.deadletter.name, "deadletter.fed-ocam.sender-mismatch")).length === 1, 30_000, 250);
  const replay = await schakel(["--data", dataDir, "replay", "--since", "10m", "--into", "wire", "--json"]);
  expect(replay.code, replay.stderr).toBe(0);
  stored = new Map();
  for (const [stream, filter] of [[STREAMS.coord.name, "coord.>"], [STREAMS.case.name, "case.>"], [STREAMS.sandbox.name, "sandbox.>"], [STREAMS.deadletter.name, "deadletter.>"], [STREAMS.reads.name, "reads.>"]] as const) {
    stored.set(stream, await read(stream, filter));
  }
  const text = readFileSync(new URL("../../../contracts/generated/asyncapi.json", import.meta.url), "utf8");
  doc = JSON.parse(text);
  const { diagnostics } = await new Parser().parse(text);
  expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => d.message)).toEqual([]);
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "asyncapi", components: doc.components });
}, 120_000);

afterAll(async () => {
  for (const b of buses.values()) await b.close();
  await op?.close?.();
  await stopRunningBus(bus);
});

describe("e2e wire - every stored message against the standards", () => {
  it("wire - live messages: strict CloudEvents, structured mode, the AsyncAPI schemas, ASCII headers, accepted by the receiver", () => {
    const live = [...stored.get(STREAMS.coord.name)!, ...stored.get(STREAMS.case.name)!, ...stored.get(STREAMS.reads.name)!];
    const headers = compile("schemas/MessageHeaders");
    const directory = KeyDirectory.fromFile(directoryPath(bus.dataDir!));
    const types = new Set<string>();
    for (const m of live) {
      const where = `${m.stream}#${m.seq} ${m.subject}`;
      const h = headersOf(m);
      expect(h[HEADERS.contentType], where).toBe(CLOUDEVENTS_JSON);
      expect(Object.keys(h).filter((k) => k.toLowerCase().startsWith("ce-")), where).toEqual([]);
      for (const [k, v] of Object.entries(h)) expect(v, `${where} ${k}`).toMatch(ASCII);
      const event = JSON.parse(new TextDecoder().decode(m.body)) as Json;
      expect(() => new CloudEvent(event, true), where).not.toThrow();
      expect(headers(h), `${where}: ${ajv.errorsText(headers.errors)}`).toBe(true);
      const payload = compile(`schemas/${pascal(event.type)}Message`);
      expect(payload(event), `${where}: ${ajv.errorsText(payload.errors)}`).toBe(true);
      expect(doc.components.messages[event.type.replace(/\.([a-z])/g, (_: string, c: string) => c.toUpperCase())]["x-schakel-senders"], where).toBeDefined();
      const verdict = verifyStored({ directory, skewMs: 300_000 }, m);
      const isForged = m.stream === forged.stream && m.seq === forged.seq;
      expect(verdict.ok ? "accepted" : verdict.rejection.reason, where).toBe(isForged ? "sender-mismatch" : "accepted");
      types.add(event.type);
    }
    expect([...types].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it("wire - replayed copies match the sandbox channel (its own message id), dead letters their headers, all ASCII", () => {
    const copies = stored.get(STREAMS.sandbox.name)!;
    expect(copies.length).toBeGreaterThanOrEqual(MESSAGE_TYPES.length);
    const replayHeaders = compile("schemas/ReplayHeaders");
    const replayPayload = compile("messages/replayedCopy/payload");
    for (const m of copies) {
      const where = `${m.stream}#${m.seq} ${m.subject}`;
      const h = headersOf(m);
      expect(replayHeaders(h), `${where}: ${ajv.errorsText(replayHeaders.errors)}`).toBe(true);
      const event = JSON.parse(new TextDecoder().decode(m.body)) as Json;
      expect(replayPayload(event), `${where}: ${ajv.errorsText(replayPayload.errors)}`).toBe(true);
      expect(() => new CloudEvent(event, true), where).not.toThrow();
      expect(h[HEADERS.contentType], where).toBe(CLOUDEVENTS_JSON);
    }
    const deadLetters = compile("schemas/DeadLetterHeaders");
    const records = stored.get(STREAMS.deadletter.name)!;
    expect(records.map((m) => m.subject)).toContain("deadletter.fed-ocam.sender-mismatch");
    for (const m of records) {
      const h = headersOf(m);
      expect(deadLetters(h), `${m.subject}: ${ajv.errorsText(deadLetters.errors)}`).toBe(true);
      for (const [k, v] of Object.entries(h)) expect(v, `${m.subject} ${k}`).toMatch(ASCII);
    }
  });
});
