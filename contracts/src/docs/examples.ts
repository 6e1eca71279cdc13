/**
 * One complete, signed example message per catalog type, for the generated documents. The data
 * comes from samples.ts; its random ids and clock-relative times are mapped onto fixed ones, so
 * regenerating the documents is byte-for-byte stable (the drift test depends on it).
 */
import { createHash } from "node:crypto";
import { answeredType, catalog, dataSchemaUri, MESSAGE_TYPES, subjectFor, type MessageType } from "../catalog.ts";
import { sourceOf, type Envelope } from "../envelope.ts";
import { BUILTIN_GLOSSARY_VERSION } from "../glossary.ts";
import { MessageId } from "../ids.ts";
import { Timestamp } from "../messages/common.ts";
import { sampleData } from "../samples.ts";
import { CLOUDEVENTS_JSON, HEADERS } from "../bus/headers.ts";
import { encodeSignature, signingBytes } from "../bus/signature.ts";
import { exampleIdentity } from "./example-identity.ts";

/** The instant every example is anchored to. */
export const EXAMPLE_TIME = Date.parse("2026-03-02T09:00:00.000Z");

/**
 * A sender allowed to send each type (by role, in the demo registry) and a fitting audience. Which
 * type an example answers is the catalog's `answers` (see `answeredType`), not written here.
 */
export const EXAMPLE_ROUTES: Record<MessageType, { from: string; to: string }> = {
  "notice.posted": { from: "fed-ocam", to: "mechelen" },
  "notice.delivered": { from: "mechelen", to: "fed-ocam" },
  "notice.acknowledged": { from: "mechelen", to: "fed-ocam" },
  "signal.raised": { from: "vilvoorde", to: "vpr" },
  "signal.escalated": { from: "vpr", to: "federal" },
  "signal.acknowledged": { from: "mechelen", to: "vilvoorde" },
  "signal.triaged": { from: "vpr", to: "vilvoorde" },
  "signal.info.provided": { from: "vilvoorde", to: "vpr" },
  "signal.reported": { from: "fed-police", to: "vpr" },
  "policy.update.published": { from: "onderwijs", to: "vpr" },
  "digest.published": { from: "vpr", to: "mechelen" },
  "coordination.requested": { from: "fed-police", to: "mechelen" },
  "coordination.responded": { from: "mechelen", to: "fed-police" },
  "livc.composition.set": { from: "antwerpen", to: "mechelen" },
  "case.opened": { from: "antwerpen", to: "mechelen" },
  "case.consultation.requested": { from: "antwerpen", to: "mechelen" },
  "case.consultation.responded": { from: "mechelen", to: "antwerpen" },
  "case.plan.set": { from: "antwerpen", to: "mechelen" },
  "case.task.reported": { from: "mechelen", to: "antwerpen" },
  "case.closed": { from: "antwerpen", to: "mechelen" },
  "case.transferred": { from: "antwerpen", to: "mechelen" },
  "case.corrected": { from: "antwerpen", to: "mechelen" },
  "case.key.requested": { from: "mechelen", to: "antwerpen" },
  "case.key.granted": { from: "antwerpen", to: "mechelen" },
  "case.erased": { from: "antwerpen", to: "mechelen" },
  "knowledge.shared": { from: "mechelen", to: "vvsg" },
  "knowledge.curated": { from: "vvsg", to: "all" },
  "digest.read": { from: "mechelen", to: "onderwijs" },
  "digest.item.routed": { from: "mechelen", to: "onderwijs" },
  "escalation.raised": { from: "vpr", to: "vilvoorde" },
  "glossary.proposed": { from: "onderwijs", to: "vpr" },
  "glossary.adopted": { from: "vpr", to: "all" },
  "read.recorded": { from: "mechelen", to: "mechelen" },
};

/** An example message exactly as it travels: subject, NATS headers, envelope and its body bytes. */
export interface ExampleMessage {
  type: MessageType;
  subject: string;
  headers: Record<string, string>;
  envelope: Envelope;
  body: string;
  /** The exact text signed: "schakel-sig-v1\n" + subject + "\n" + body. */
  signingInput: string;
}

/** The label whose SHA-256 is the documentation key's ed25519 seed. */
export const EXAMPLE_KEY_LABEL = "schakel documentation example";

const hash = (label: string): Buffer => createHash("sha256").update(label).digest();

/** A UUIDv7-shaped id at EXAMPLE_TIME whose random part is derived from `label`. */
export function exampleId(label: string): string {
  const b = hash(label).subarray(0, 16);
  b.writeUIntBE(EXAMPLE_TIME, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Replaces ids with derived ones and times with EXAMPLE_TIME plus the same offset (to the minute). */
function stabilise(value: unknown, label: string, now: number, counter = { n: 0 }): unknown {
  if (typeof value === "string") {
    if (MessageId.safeParse(value).success) return exampleId(`${label}#${counter.n++}`);
    if (Timestamp.safeParse(value).success) {
      const offset = Math.round((Date.parse(value) - now) / 60_000) * 60_000;
      return new Date(EXAMPLE_TIME + offset).toISOString();
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => stabilise(v, label, now, counter));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stabilise(v, label, now, counter)]));
  }
  return value;
}

/** The data of a type's example, as the sender puts it on the wire (parsed: defaults applied). */
export function exampleData(type: MessageType): unknown {
  const now = Date.now();
  return catalog[type].schema.parse(stabilise(sampleData(type), type, now));
}

/** Builds and signs the example message of one type. */
export function exampleMessage(type: MessageType): ExampleMessage {
  const entry = catalog[type];
  const route = EXAMPLE_ROUTES[type];
  const identity = exampleIdentity(EXAMPLE_KEY_LABEL);
  const id = exampleId(`${type}/envelope`);
  const answers = answeredType(type);
  const answered = answers ? exampleId(`${answers}/envelope`) : undefined;
  const traceId = hash(`trace/${answers ?? type}`).subarray(0, 16).toString("hex");
  const traceparent = `00-${traceId}-${hash(`span/${type}`).subarray(0, 8).toString("hex")}-01`;
  const envelope: Envelope = {
    specversion: "1.0",
    id,
    source: sourceOf(route.from),
    type,
    time: new Date(EXAMPLE_TIME).toISOString(),
    datacontenttype: "application/json",
    dataschema: dataSchemaUri(type),
    dataversion: entry.version,
    sender: route.from,
    audience: route.to,
    classification: entry.classification,
    correlationid: answered ?? id,
    ...(answered ? { causationid: answered } : {}),
    traceparent,
    signingkey: identity.publicKey,
    glossaryversion: BUILTIN_GLOSSARY_VERSION,
    data: exampleData(type),
  };
  const subject = subjectFor(type, route.to, route.from);
  const body = JSON.stringify(envelope);
  const input = signingBytes(subject, new TextEncoder().encode(body));
  const signature = encodeSignature(identity.sign(input));
  const headers = { [HEADERS.contentType]: CLOUDEVENTS_JSON, [HEADERS.msgId]: id, [HEADERS.signature]: signature, [HEADERS.traceparent]: traceparent };
  return { type, subject, headers, envelope, body, signingInput: input.toString("utf8") };
}

/** Every type's example, in catalog order. */
export function exampleMessages(): ExampleMessage[] {
  return MESSAGE_TYPES.map(exampleMessage);
}
