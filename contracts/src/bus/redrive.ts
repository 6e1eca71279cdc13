/**
 * Re-driving a dead letter: its original bytes published again on the live subject they were
 * signed for, with the headers a receiver checks (Content-Type, signature, trace context) and the
 * envelope id as `Nats-Msg-Id` (receivers require it). Every consumer of the subject then checks
 * the message again; one that already handled it drops it through its processed-id store. Within
 * the stream's duplicate window JetStream stores nothing (`duplicate` in the answer): the caller
 * says so instead of pretending the message went out. Publishing on another organisation's
 * subject is an admin right, so only the operator connection (operator-connection.ts) offers this;
 * whether a message deserves it is the caller's decision (it checks it as receivers do first).
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { SchakelError } from "../errors.ts";
import { streamOfRoot } from "../streams.ts";
import { parseMessageSubject, ROOTS } from "../subjects.ts";
import { HEADERS } from "./headers.ts";

/** A dead letter's original, ready to go out again. */
export interface RedriveOriginal {
  /** The live subject it was signed for (`coord.…` or `case.…`). */
  subject: string;
  /** Its exact bytes. */
  body: Uint8Array;
  /** The envelope id: sent as Nats-Msg-Id. */
  id: string;
  /** Its headers, one value per name; only those a receiver checks are sent. */
  headers: Readonly<Record<string, string>>;
}

/** Where the new copy was stored; `duplicate`: the stream still knew its id, nothing was stored. */
export interface Redriven {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/**
 * Headers of the original that travel with it (the signature covers subject and body only), and
 * where it waited before the hub stored it (a leaf's OUTBOX), so receivers judge its age as they
 * judged the original's.
 */
const CARRIED = [HEADERS.contentType, HEADERS.signature, HEADERS.traceparent, HEADERS.tracestate, HEADERS.waitedIn] as const;

/**
 * Publishes `original` on its live subject into the stream of its root (the broker refuses any
 * other stream). Throws SchakelError("subject") for a subject that is not a coordination or case
 * subject, and the client's error when the publication fails.
 */
export async function redriveOriginal(js: JetStreamClient, original: RedriveOriginal): Promise<Redriven> {
  const { root } = parseMessageSubject(original.subject);
  if (root === ROOTS.reads) {
    throw new SchakelError("subject", `${original.subject} is a read record: only coordination and case messages are re-driven`, { subject: original.subject });
  }
  const h = natsHeaders();
  for (const k of CARRIED) if (original.headers[k]) h.set(k, original.headers[k]!);
  const ack = await js.publish(original.subject, original.body, { headers: h, msgID: original.id, expect: { streamName: streamOfRoot(root) } });
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}
