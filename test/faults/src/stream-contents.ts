/**
 * What a stream holds, read back after a fault: every stored message's id (`Nats-Msg-Id`, the
 * envelope id the bus sets), counted, so that "lost" and "stored twice" are measured on the
 * stream itself rather than inferred from the acks or from a consumer.
 *
 * The read ends at the stream's last sequence or when the replica serving it has nothing more
 * to deliver (a replica left behind by a partition, docs/OPERATIONS.md): then `readUpTo` is below
 * `lastSeq` and the tail it did not deliver is reported instead of waited for.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { HEADERS } from "@schakel/contracts/bus";

export interface StreamContents {
  /** Copies stored per message id. */
  copies: Map<string, number>;
  /** Messages read. */
  messages: number;
  /** Message ids stored more than once. */
  storedTwice: number;
  /** The stream's last sequence when the read began (per its leader). */
  lastSeq: number;
  /** The last sequence the read got (below `lastSeq`: the serving replica had no more). */
  readUpTo: number;
}

/** A pull that long without a message: the serving replica has nothing more. */
const IDLE_MS = 2_000;

/**
 * Reads every message of `stream` with an ordered consumer (the stream is not changed).
 *
 * @throws the JetStream error when the stream cannot be read (missing, server away).
 */
export async function readStreamContents(nc: NatsConnection, stream: string): Promise<StreamContents> {
  const { state } = await (await jetstreamManager(nc)).streams.info(stream);
  const copies = new Map<string, number>();
  let read = 0;
  let readUpTo = 0;
  if (state.messages > 0) {
    const consumer = await jetstream(nc).consumers.get(stream);
    while (readUpTo < state.last_seq) {
      let got = 0;
      for await (const m of await consumer.fetch({ max_messages: 1_000, expires: IDLE_MS })) {
        const id = m.headers?.get(HEADERS.msgId) ?? `(no id, seq ${m.seq})`;
        copies.set(id, (copies.get(id) ?? 0) + 1);
        read++;
        got++;
        readUpTo = m.seq;
        if (m.seq >= state.last_seq) break;
      }
      if (got === 0) break;
    }
  }
  let storedTwice = 0;
  for (const n of copies.values()) if (n > 1) storedTwice++;
  return { copies, messages: read, storedTwice, lastSeq: state.last_seq, readUpTo };
}
