/**
 * Building a `Delivery` — what a handler receives — outside a live consumption: a replay into a
 * local handler module hands stored messages, decoded by the bus client, to the same handlers a
 * service runs. The message must have passed the decode path (a `Verdict` that is ok); the caller
 * says how answers are treated (a replay records them, never sends them).
 */
import type { DataOf, MessageType } from "../catalog.ts";
import type { Envelope } from "../envelope.ts";
import type { Delivery } from "./consume.ts";
import type { Verdict } from "./stored-message.ts";

/** Where a delivered message was stored, and how often it was delivered. */
export interface DeliveryOrigin {
  subject: string;
  stream: string;
  seq: number;
  /** Default 1. */
  deliveryCount?: number;
  /** The replay marker: a sandbox name or "handler". */
  replay?: string;
}

/**
 * A delivery of a verified message; `reply` decides what an answer does. The storage time is the
 * one the verdict was checked against (the original time for a replayed copy).
 */
export function deliveryOf(verified: Extract<Verdict, { ok: true }>, origin: DeliveryOrigin, reply: Delivery["reply"]): Delivery<MessageType> {
  const { type, storedAt } = verified;
  // The decode path parsed `data` with the catalog schema of `type` (decode.ts): it is that type's data.
  const envelope = verified.envelope as Envelope<DataOf<MessageType>>;
  const replay = origin.replay ?? verified.replay;
  return {
    type, envelope, data: envelope.data, subject: origin.subject, stream: origin.stream, seq: origin.seq,
    deliveryCount: origin.deliveryCount ?? 1, storedAt, ...(replay ? { replay } : {}), reply,
  };
}
