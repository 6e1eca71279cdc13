/**
 * Fast fills for the scenarios that need a large store (replay, trace lookup): core publishes by
 * the admin identity straight into a stream's subjects, in batches separated by a flush, then a
 * wait until the stream holds them all. Core publish skips the per-message JetStream ack, which is
 * what bounds js.publish (see the publish scenario); the server still stores every message.
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { progress } from "./progress.ts";

export interface FillItem {
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs;
}

/**
 * Publishes `count` messages from `item(i)` into `stream` and waits until it stored all of them.
 * `label` names the fill in progress lines; returns the seconds it took.
 */
export async function fillStream(nc: NatsConnection, jsm: JetStreamManager, stream: string, count: number, item: (i: number) => FillItem, label: string): Promise<number> {
  const t0 = performance.now();
  const before = (await jsm.streams.info(stream)).state.messages;
  const batch = 5_000;
  let lastReport = t0;
  for (let i = 0; i < count; ) {
    const end = Math.min(count, i + batch);
    for (; i < end; i++) {
      const it = item(i);
      nc.publish(it.subject, it.data, it.headers ? { headers: it.headers } : undefined);
    }
    // The flush round trip bounds what sits in the client's buffer (and paces us to the server).
    await nc.flush();
    if (performance.now() - lastReport > 2_000) {
      lastReport = performance.now();
      progress(`${label}: ${i.toLocaleString("en-US")} / ${count.toLocaleString("en-US")}`);
    }
  }
  for (;;) {
    const stored = (await jsm.streams.info(stream)).state.messages - before;
    if (stored >= count) break;
    if (performance.now() - t0 > 600_000) throw new Error(`${label}: ${stream} stored ${stored} of ${count} messages after 10 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  progress(`${label}: ${count.toLocaleString("en-US")} stored in ${seconds.toFixed(1)} s`);
  return seconds;
}
