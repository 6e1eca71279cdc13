/** Reading the dead-letter stream as the admin, and injecting raw messages past the bus client. */
import type { JetStreamManager } from "@nats-io/jetstream";
import { jetstream } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { HEADERS } from "@schakel/contracts/bus";
import { STREAMS } from "@schakel/contracts";
import { waitFor } from "@schakel/harness";

export interface DeadLetter {
  seq: number;
  subject: string;
  reason: string;
  detail: string;
  sourceSubject: string;
  body: string;
}

/** Every record of the dead-letter stream, in order. */
export async function deadLetters(jsm: JetStreamManager): Promise<DeadLetter[]> {
  const info = await jsm.streams.info(STREAMS.deadletter.name);
  const out: DeadLetter[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(STREAMS.deadletter.name, { seq }).catch(() => null);
    if (!m) continue;
    out.push({ seq, subject: m.subject, reason: m.header.get(HEADERS.reason), detail: m.header.get(HEADERS.detail), sourceSubject: m.header.get(HEADERS.sourceSubject), body: new TextDecoder().decode(m.data) });
  }
  return out;
}

/** Waits until a dead letter whose body contains `marker` exists, and returns it. */
export async function deadLetterFor(jsm: JetStreamManager, marker: string, timeoutMs = 10_000): Promise<DeadLetter> {
  return waitFor(async () => (await deadLetters(jsm)).find((d) => d.body.includes(marker)), { timeoutMs, what: `a dead letter containing ${marker}` });
}

/**
 * Stores bytes on a live subject as the admin: the position of an attacker who got past the
 * broker's permissions (or a compromised operator). Receivers must still refuse what is not genuine.
 */
export async function inject(admin: NatsConnection, subject: string, body: Uint8Array, headers?: MsgHdrs, msgID?: string): Promise<{ seq: number; duplicate: boolean }> {
  const ack = await jetstream(admin).publish(subject, body, { ...(headers ? { headers } : {}), ...(msgID ? { msgID } : {}) });
  return { seq: ack.seq, duplicate: ack.duplicate };
}
