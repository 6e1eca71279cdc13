/**
 * Reading the dead-letter stream back, as an operator would: every record with the consumer that
 * refused it, the source stream sequence and the reason, from the headers the bus writes.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { STREAMS } from "@schakel/contracts";
import { HEADERS } from "@schakel/contracts/bus";

export interface DeadLetterRecord {
  consumer: string;
  sourceSeq: number;
  reason: string;
  detail: string;
  size: number;
}

/** Every record in DEADLETTER (read with an ordered consumer; the stream is not changed). */
export async function readDeadLetters(nc: NatsConnection): Promise<DeadLetterRecord[]> {
  const total = (await (await jetstreamManager(nc)).streams.info(STREAMS.deadletter.name)).state.messages;
  const records: DeadLetterRecord[] = [];
  if (total === 0) return records;
  const consumer = await jetstream(nc).consumers.get(STREAMS.deadletter.name);
  const messages = await consumer.consume({ max_messages: 1_000 });
  for await (const m of messages) {
    records.push({
      consumer: m.headers?.get(HEADERS.consumer) ?? "",
      sourceSeq: Number(m.headers?.get(HEADERS.sourceSeq) ?? 0),
      reason: m.headers?.get(HEADERS.reason) ?? "",
      detail: m.headers?.get(HEADERS.detail) ?? "",
      size: m.data.length,
    });
    if (records.length >= total) break;
  }
  messages.stop();
  return records;
}
