/**
 * What a stream holds, read back after a fault: every stored message's id (`Nats-Msg-Id`, the
 * envelope id the bus sets), counted, so that "lost" and "stored twice" are measured on the
 * stream itself rather than inferred from the acks or from a consumer.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { HEADERS } from "@schakel/contracts/bus";

export interface StreamContents {
  /** Copies stored per message id. */
  copies: Map<string, number>;
  /** Messages read (the stream's message count at the start of the read). */
  messages: number;
  /** Message ids stored more than once. */
  storedTwice: number;
}

/**
 * Reads every message of `stream` with an ordered consumer (the stream is not changed).
 *
 * @throws the JetStream error when the stream cannot be read (missing, server away).
 */
export async function readStreamContents(nc: NatsConnection, stream: string): Promise<StreamContents> {
  const { state } = (await (await jetstreamManager(nc)).streams.info(stream));
  const copies = new Map<string, number>();
  let read = 0;
  if (state.messages > 0) {
    const messages = await (await jetstream(nc).consumers.get(stream)).consume({ max_messages: 1_000 });
    for await (const m of messages) {
      const id = m.headers?.get(HEADERS.msgId) ?? `(no id, seq ${m.seq})`;
      copies.set(id, (copies.get(id) ?? 0) + 1);
      read++;
      if (m.seq >= state.last_seq) break;
    }
    messages.stop();
  }
  let storedTwice = 0;
  for (const n of copies.values()) if (n > 1) storedTwice++;
  return { copies, messages: read, storedTwice };
}
