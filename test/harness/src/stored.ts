/**
 * Reading what the bus stored, for tests that assert real outcomes (which messages exist, how
 * many, with which ids). This is admin inspection below the bus client — no organisation may read
 * a whole stream — so it lives in the harness, beside the admin connection it needs
 * (`SchakelServer.jsm()`).
 */
import type { JetStreamManager, MsgRequest } from "@nats-io/jetstream";
import { rootOfType, STREAMS, streamOfRoot, typeFilter, type MessageType } from "@schakel/contracts";

/** One stored message with its envelope as JSON. */
export interface StoredMessage<D = Record<string, unknown>> {
  seq: number;
  subject: string;
  storedAt: Date;
  envelope: {
    id: string; type: string; sender: string; audience: string; time: string; correlationid: string; causationid?: string;
    traceparent: string; data: D;
  };
}

/**
 * Every message of `stream` (default COORD) on subjects matching `filter` (NATS wildcards), in
 * stream order. Walks the stream with "next by subject" lookups, so it costs one request per match.
 * @throws the JetStream error when the stream cannot be read (missing, no permission, server away);
 * the end of the matches is not an error.
 */
export async function storedMessages<D = Record<string, unknown>>(jsm: JetStreamManager, filter: string, stream: string = STREAMS.coord.name): Promise<StoredMessage<D>[]> {
  const out: StoredMessage<D>[] = [];
  let seq = 1;
  for (;;) {
    // STREAM.MSG.GET takes next_by_subj on 2.9 too; the client's type only lists it for direct gets.
    const request = { next_by_subj: filter, seq } as unknown as MsgRequest;
    // nats.js answers "no message found" (past the last match) with null.
    const m = await jsm.streams.getMessage(stream, request);
    if (!m) break;
    out.push({ seq: m.seq, subject: m.subject, storedAt: m.time, envelope: m.json() });
    seq = m.seq + 1;
  }
  return out;
}

/**
 * Messages of one type (all audiences and senders, or only `sender`'s), from the stream that
 * stores the type, in stream order.
 * @throws as {@link storedMessages}.
 */
export async function storedOfType<D = Record<string, unknown>>(jsm: JetStreamManager, type: MessageType, sender?: string): Promise<StoredMessage<D>[]> {
  const all = await storedMessages<D>(jsm, typeFilter(type), streamOfRoot(rootOfType(type)));
  return sender ? all.filter((m) => m.envelope.sender === sender) : all;
}
