/**
 * Back-pressure: a consumer ten times slower than its producer. JetStream keeps what is not yet
 * taken, so nothing is lost; the client holds at most one pull batch, so memory stays flat; and
 * the consumer never has more than max_ack_pending messages out, which bounds redeliveries.
 */
import { STREAMS, sampleData } from "@schakel/contracts";
import { sleep, startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { afterAll, describe, expect, it } from "vitest";
import { EffectLedger } from "../src/effects.ts";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { publishReliably } from "../src/reliable-publisher.ts";

const MESSAGES = 1_000;
const PRODUCE_PER_S = 500;
const CONSUME_MS = (10 * 1_000) / PRODUCE_PER_S;
/** Below the pull batch, so it is the server that holds the consumer back. */
const MAX_ACK_PENDING = 64;
const BATCH = 100;
const INBOX = "mechelen--mechelen";
let s: SchakelServer | undefined;

afterAll(async () => {
  await s?.cleanup();
});

describe("slow consumer", () => {
  it("slow consumer - 10x slower than its producer: no loss, bounded memory, redeliveries bounded by max_ack_pending", async () => {
    const started = performance.now();
    s = await startSchakelServer();
    const jsm = await s.jsm();
    const inbox = await jsm.consumers.info(STREAMS.coord.name, INBOX);
    await jsm.consumers.update(STREAMS.coord.name, INBOX, { ...inbox.config, max_ack_pending: MAX_ACK_PENDING, ack_wait: 5 * 1e9 });

    const sender = await s.connectAs("fed-ocam");
    const receiver = await s.connectAs("mechelen");
    const effects = new EffectLedger();
    const heap0 = process.memoryUsage().heapUsed;
    let heapPeak = heap0;
    let ackPendingPeak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        const info = await jsm.consumers.info(STREAMS.coord.name, INBOX).catch(() => undefined);
        ackPendingPeak = Math.max(ackPendingPeak, info?.num_ack_pending ?? 0);
        await sleep(100);
      }
    })();
    const consumption = receiver.consume({
      batch: BATCH,
      handlers: {
        "coordination.requested": async (d) => {
          await sleep(CONSUME_MS);
          effects.record(d.envelope.id, d.deliveryCount);
        },
      },
    });

    // Paced producer: PRODUCE_PER_S, one message per tick.
    const producedAt = performance.now();
    const progress = await publishReliably(sender, MESSAGES, () => sender.prepare("coordination.requested", sampleData("coordination.requested"), { to: "mechelen" }), {
      window: 4,
      onAck: async (acked) => {
        const due = producedAt + (acked * 1_000) / PRODUCE_PER_S;
        if (due > performance.now()) await sleep(due - performance.now());
      },
    });
    const produceSeconds = (performance.now() - producedAt) / 1_000;
    const backlogAtEnd = MESSAGES - effects.distinct;
    await waitFor(() => effects.missing(progress.acked).length === 0, { timeoutMs: 60_000, intervalMs: 200, what: `the slow consumer to catch up (${effects.distinct}/${MESSAGES})` });
    const consumeSeconds = (performance.now() - producedAt) / 1_000;
    sampling = false;
    await sampler;
    await consumption.stop();

    const final = await jsm.consumers.info(STREAMS.coord.name, INBOX);
    const heapGrowthMb = (heapPeak - heap0) / 2 ** 20;
    reportFigures("slow-consumer-10x", {
      published: MESSAGES, processed: effects.distinct, lost: MESSAGES - effects.distinct, duplicates: effects.duplicates,
      produce_rate: Math.round(MESSAGES / produceSeconds), consume_rate: Math.round(MESSAGES / consumeSeconds), backlog_peak: backlogAtEnd,
      max_ack_pending: MAX_ACK_PENDING, ack_pending_peak: ackPendingPeak, redelivered: final.num_redelivered, heap_growth_mb: heapGrowthMb,
      time: secondsSince(started),
    });
    expect(effects.missing(progress.acked)).toEqual([]);
    expect(effects.duplicates).toBe(0);
    expect(ackPendingPeak).toBeLessThanOrEqual(MAX_ACK_PENDING);
    expect(final.num_redelivered).toBeLessThanOrEqual(MAX_ACK_PENDING);
    // The backlog lives in the stream, not in the consumer's memory.
    expect(backlogAtEnd).toBeGreaterThan(MESSAGES / 2);
    expect(heapGrowthMb).toBeLessThan(64);
  });
});
