/** Small helpers shared by the bus tests: reading streams as the admin, counting by envelope id. */
import type { JetStreamManager } from "@nats-io/jetstream";
import { STREAMS } from "@schakel/contracts";
import { HEADERS } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";

export interface DeadLetterRecord {
  subject: string;
  reason: string;
  detail: string;
  sourceSubject: string;
  sourceSeq: number;
  consumer: string;
  body: string;
}

/** Reads every dead-letter record (admin view). */
export async function deadLetters(jsm: JetStreamManager): Promise<DeadLetterRecord[]> {
  const info = await jsm.streams.info(STREAMS.deadletter.name);
  const out: DeadLetterRecord[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(STREAMS.deadletter.name, { seq }).catch(() => null);
    if (!m) continue;
    out.push({
      subject: m.subject,
      reason: m.header.get(HEADERS.reason),
      detail: m.header.get(HEADERS.detail),
      sourceSubject: m.header.get(HEADERS.sourceSubject),
      sourceSeq: Number(m.header.get(HEADERS.sourceSeq)),
      consumer: m.header.get(HEADERS.consumer),
      body: new TextDecoder().decode(m.data),
    });
  }
  return out;
}

export async function waitForDeadLetters(jsm: JetStreamManager, count: number, timeoutMs = 15_000): Promise<DeadLetterRecord[]> {
  return waitFor(async () => {
    const dl = await deadLetters(jsm);
    return dl.length >= count ? dl : undefined;
  }, { timeoutMs, what: `${count} dead letters` });
}

/** Number of messages a stream holds right now. */
export async function storedCount(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

/** Waits until a durable consumer has nothing pending and nothing unacknowledged. */
export async function waitForDrained(jsm: JetStreamManager, stream: string, consumer: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => {
    const info = await jsm.consumers.info(stream, consumer);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }, { timeoutMs, what: `consumer ${stream}/${consumer} to have nothing pending` });
}
