/**
 * One message as the trace index remembers it: where it is stored (stream and sequence, so the
 * full message is one direct read away), who sent it to whom and when, what it answers, and the
 * few facts of its data that the flow view needs (deadlines, recipients, the obligation an
 * escalation is about). No message content beyond a title: the index is metadata.
 */
import { z } from "zod";
import { ActorRef, actorRefOf, MessageId, referenceOf, traceIdOf, type Envelope, type MessageType } from "@schakel/contracts";

/** The facts of a message's data that a flow view needs. */
export const EntryFacts = z.object({
  title: z.string().max(120),
  ackRequired: z.boolean(),
  ackBy: z.string(),
  respondBy: z.string(),
  recipients: z.array(z.string()).max(100),
  recipient: z.string(),
  obligation: z.object({ kind: z.string(), reference: z.string(), sourceMessageId: z.string(), owedBy: z.string(), owedTo: z.string(), deadline: z.string() }),
}).partial();
export type EntryFacts = z.infer<typeof EntryFacts>;

export const TraceEntry = z.object({
  stream: z.string().min(1),
  seq: z.number().int().positive(),
  id: MessageId,
  type: z.string().min(1),
  subject: z.string().min(1),
  sender: z.string().min(1),
  audience: z.string().min(1),
  /** The sender's clock (envelope `time`). */
  time: z.string(),
  /** The broker's storage time: the order and offsets of a flow. */
  storedAt: z.string(),
  correlation: MessageId,
  causation: MessageId.optional(),
  /** Span id in the message's traceparent: its producer span. */
  span: z.string().regex(/^[0-9a-f]{16}$/),
  /** The business id the message is about (noticeId, requestId, signalId, …). */
  ref: MessageId.optional(),
  facts: EntryFacts.optional(),
  /** The person who acted (envelope `actor`/`actorrole`); absent: the sender's service, and in entries indexed by earlier releases. */
  actor: ActorRef.optional(),
});
export type TraceEntry = z.infer<typeof TraceEntry>;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function factsOf(type: MessageType, data: Record<string, unknown>): EntryFacts | undefined {
  const facts: EntryFacts = {};
  const title = str(data.title) ?? str(data.topic) ?? str(data.summary);
  if (title && !type.startsWith("case.")) facts.title = title.slice(0, 120);
  if (typeof data.ackRequired === "boolean") facts.ackRequired = data.ackRequired;
  if (str(data.ackBy)) facts.ackBy = str(data.ackBy)!;
  if (str(data.respondBy)) facts.respondBy = str(data.respondBy)!;
  if (Array.isArray(data.recipients)) facts.recipients = data.recipients.filter((r): r is string => typeof r === "string").slice(0, 100);
  if (str(data.recipient)) facts.recipient = str(data.recipient)!;
  const o = data.obligation as Record<string, unknown> | undefined;
  if (type === "escalation.raised" && o) {
    facts.obligation = {
      kind: String(o.kind), reference: String(o.reference), sourceMessageId: String(o.sourceMessageId),
      owedBy: String(o.owedBy), owedTo: String(o.owedTo), deadline: String(o.deadline),
    };
  }
  return Object.keys(facts).length ? facts : undefined;
}

/** The index entry of a verified message, and the trace it belongs to. */
export function entryOf(
  type: MessageType,
  envelope: Envelope,
  where: { stream: string; seq: number; subject: string; storedAt: Date },
): { traceId: string; entry: TraceEntry } {
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  const ref = referenceOf(type, data);
  const facts = factsOf(type, data);
  const actor = actorRefOf(envelope);
  const entry: TraceEntry = {
    stream: where.stream,
    seq: where.seq,
    id: envelope.id,
    type,
    subject: where.subject,
    sender: envelope.sender,
    audience: envelope.audience,
    time: envelope.time,
    storedAt: where.storedAt.toISOString(),
    correlation: envelope.correlationid,
    ...(envelope.causationid ? { causation: envelope.causationid } : {}),
    span: envelope.traceparent.slice(36, 52),
    ...(ref ? { ref } : {}),
    ...(facts ? { facts } : {}),
    ...(actor ? { actor } : {}),
  };
  return { traceId: traceIdOf(envelope.traceparent), entry };
}

/** Flow order: broker storage time, then stream and sequence. */
export function byStorage(a: TraceEntry, b: TraceEntry): number {
  return a.storedAt < b.storedAt ? -1 : a.storedAt > b.storedAt ? 1 : a.stream === b.stream ? a.seq - b.seq : a.stream < b.stream ? -1 : 1;
}
