/**
 * The reusable parts of the AsyncAPI document: channel parameters, the NATS header schemas and
 * the dead-letter record. Header names, reasons and subject shapes come from the contract itself.
 */
import type { MessageType } from "../catalog.ts";
import { CLOUDEVENTS_JSON, HEADERS, REPLAY_COPY_ID_PATTERN } from "../bus/headers.ts";
import { REJECT_REASONS } from "../bus/rejection.ts";
import { deadLetterSubject, messageSubject, sandboxSubject } from "../subjects.ts";
import { AUDIENCE_GROUPS } from "../vocabulary.ts";
import type { JsonSchema } from "./json-schema.ts";

/** Replaces subject tokens at the given positions by `{parameter}` placeholders. */
function withParameters(subject: string, placeholders: Record<number, string>): string {
  return subject.split(".").map((token, i) => (placeholders[i] ? `{${placeholders[i]}}` : token)).join(".");
}

/** `coord.{audience}.{sender}.notice.posted`, built by the contract's own subject builder. */
export function channelAddress(type: MessageType): string {
  return withParameters(messageSubject(type, "audience", "sender"), { 1: "audience", 2: "sender" });
}

/** `deadletter.{consumer}.{reason}`. */
export function deadLetterAddress(): string {
  return withParameters(deadLetterSubject("consumer", "reason"), { 1: "consumer", 2: "reason" });
}

/** `sandbox.{sandbox}.{liveSubject}`: a replayed copy of a live message. */
export function sandboxAddress(): string {
  const [root] = sandboxSubject("sandbox", messageSubject("notice.posted", "audience", "sender")).split(".");
  return `${root}.{sandbox}.{liveSubject}`;
}

export const PARAMETERS = {
  audience: {
    description: `Who the copy is addressed to: an organisation id, or a group (${AUDIENCE_GROUPS.join(", ")}). A message to several audiences is published once per audience. Must equal the envelope's \`audience\`.`,
    examples: ["mechelen", "local", "all"],
  },
  sender: {
    description: "The sending organisation's id. The broker lets an organisation publish only under its own id; receivers check it against the envelope's `sender` and the signature.",
    examples: ["fed-ocam", "vpr", "vilvoorde"],
  },
  consumer: {
    description: "The organisation whose consumer refused the message and filed it.",
    examples: ["mechelen"],
  },
  reason: {
    description: "Why the message was refused.",
    enum: [...REJECT_REASONS],
  },
  sandbox: {
    description: "The sandbox namespace a replay was sent into.",
    examples: ["dev-jan"],
  },
  liveSubject: {
    description: "The live subject of the replayed message (several tokens, e.g. `coord.mechelen.fed-ocam.notice.posted`).",
    examples: ["coord.mechelen.fed-ocam.notice.posted"],
  },
} as const;

const string = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: "string", description, ...extra });

/** NATS headers on every live message. */
export const MESSAGE_HEADERS: JsonSchema = {
  type: "object",
  description: "NATS message headers. The signature covers the subject and the exact body bytes, so every envelope attribute is signed.",
  required: [HEADERS.contentType, HEADERS.msgId, HEADERS.signature, HEADERS.traceparent],
  properties: {
    [HEADERS.contentType]: string(`CloudEvents NATS binding, structured content mode: the body is the whole event. Every sender sets it; receivers still read messages stored without it by releases before the binding was followed (they were structured too), and refuse any other value.`, { const: CLOUDEVENTS_JSON }),
    [HEADERS.msgId]: string("JetStream de-duplication id; always the envelope `id`, so a retried publish is stored once.", { pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" }),
    [HEADERS.signature]: string('ed25519 signature by the sender\'s nkey over "schakel-sig-v1\\n" + subject + "\\n" + body, base64url without padding.', { pattern: "^ed25519:[A-Za-z0-9_-]{86}$" }),
    [HEADERS.traceparent]: string("W3C trace context (same as the envelope's `traceparent`), for tracing without parsing the body.", { pattern: "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$" }),
    [HEADERS.tracestate]: string("W3C trace state, when the sender has one.", { maxLength: 512 }),
  },
};

/** Headers of a replayed copy in a sandbox: the original's, another message id, where it came from. */
export const REPLAY_HEADERS: JsonSchema = {
  type: "object",
  description: "Headers of a replayed copy: the original's signature and trace context (and Content-Type when the original had one), a message id of the replay run, and where it came from. Live services refuse replayed copies.",
  required: [HEADERS.msgId, HEADERS.signature, HEADERS.replay, HEADERS.replayOriginalSeq, HEADERS.replayOriginalTime],
  properties: {
    ...(MESSAGE_HEADERS.properties as JsonSchema),
    [HEADERS.msgId]: string("`<run>:<stream>:<seq>`: the replay run's id (a UUID) and where the original is stored, so a copy repeated within one run is stored once. Not the envelope id: the receiver skips the message-id check for replayed copies.", { pattern: REPLAY_COPY_ID_PATTERN }),
    [HEADERS.replay]: string("The sandbox name, or \"handler\" for a replay into a local handler."),
    [HEADERS.replayOriginalSeq]: string("Stream sequence of the original message.", { pattern: "^[0-9]+$" }),
    [HEADERS.replayOriginalTime]: string("When the original was stored (ISO-8601).", { format: "date-time" }),
  },
};

/** Headers of a dead-letter record; the body is the refused message's original bytes. */
export const DEAD_LETTER_HEADERS: JsonSchema = {
  type: "object",
  required: [HEADERS.reason, HEADERS.detail, HEADERS.sourceStream, HEADERS.sourceSeq, HEADERS.sourceSubject, HEADERS.consumer],
  properties: {
    [HEADERS.reason]: string("Why the consumer refused the message.", { enum: [...REJECT_REASONS] }),
    [HEADERS.detail]: string("One line for people: what was wrong and where (field paths for schema failures)."),
    [HEADERS.sourceStream]: string("Stream the refused message is stored in."),
    [HEADERS.sourceSeq]: string("Its sequence in that stream.", { pattern: "^[0-9]+$" }),
    [HEADERS.sourceSubject]: string("The subject it was published on."),
    [HEADERS.consumer]: string("The durable consumer that refused it."),
    [HEADERS.signature]: string("The refused message's signature header, if it had one."),
    [HEADERS.traceparent]: string("The refused message's trace context, if it had one."),
  },
};

export const DEAD_LETTER_MESSAGE = {
  name: "dead-letter",
  title: "Dead letter",
  summary: "A message a consumer refused, filed with the reason before it was terminated on its consumer.",
  description: "Filed by the consuming organisation's bus client. A refusal the DEADLETTER stream does not acknowledge is not terminated: the message is delivered again and filed later, so no refused message disappears without a record.",
  contentType: "application/octet-stream",
  headers: { $ref: "#/components/schemas/DeadLetterHeaders" },
  payload: { description: "The refused message's original bytes (not necessarily JSON)." },
};
