/** Small helpers shared by the bus tests: a file's bus, reading streams as the admin, counting by envelope id. */
import type { JetStreamManager } from "@nats-io/jetstream";
import { STREAMS } from "@schakel/contracts";
import { HEADERS, type Bus, type ConnectOptions } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { afterAll, beforeAll } from "vitest";

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

/** A test file's bus: its server and one client per named organisation (see {@link fileBus}). */
export type FileBus<K extends string> = { s: SchakelServer } & Record<K, Bus>;

/**
 * Starts a secured bus before the file's tests and cleans it up after them, with one client per
 * entry of `clients` (name in the test → organisation, or organisation and connect options), e.g.
 * `const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" })`, then `t.ocam.publish(…)`.
 */
export function fileBus<K extends string>(clients: Record<K, string | [org: string, opts: Partial<ConnectOptions>]>): FileBus<K> {
  const t = {} as FileBus<K>;
  beforeAll(async () => {
    t.s = await startSchakelServer();
    for (const [name, client] of Object.entries(clients) as [K, string | [string, Partial<ConnectOptions>]][]) {
      const [org, opts] = typeof client === "string" ? [client, {}] : client;
      (t as Record<K, Bus>)[name] = await t.s.connectAs(org, opts);
    }
  });
  afterAll(() => t.s?.cleanup());
  return t;
}
