/**
 * Crash durability on one node: 20,000 messages are published while the nats-server is killed
 * with SIGKILL and restarted three times. Every acknowledged message must reach the consumer,
 * and each effect must run once, however often JetStream redelivers.
 */
import { STREAMS, sampleData } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { sleep, waitFor } from "@schakel/harness";
import { afterAll, describe, expect, it } from "vitest";
import { EffectLedger } from "../src/effects.ts";
import { reportFigures, secondsSince } from "../src/figures.ts";
import { publishReliably } from "../src/reliable-publisher.ts";

const MESSAGES = 20_000;
const KILLS = 3;
let bus: SchakelServer | undefined;

afterAll(async () => {
  await bus?.cleanup();
});

describe("kill and restart", () => {
  it("kill and restart - 20,000 messages, server killed with SIGKILL 3 times: no acknowledged message lost, each effect once", async () => {
    const started = performance.now();
    bus = await startSchakelServer();
    const s = bus;
    const sender = await s.connectAs("fed-ocam");
    const receiver = await s.connectAs("mechelen");
    const effects = new EffectLedger();
    const consumption = receiver.consume({
      batch: 500,
      handlers: { "coordination.requested": (d) => effects.record(d.envelope.id, d.deliveryCount) },
    });

    // Kill at evenly spaced points of the run; the restart waits a moment so clients really see it gone.
    const killAt = Array.from({ length: KILLS }, (_, k) => Math.round(((k + 1) * MESSAGES) / (KILLS + 1)));
    let kills = 0;
    let crashing: Promise<void> | undefined;
    const progress = await publishReliably(sender, MESSAGES, () => sender.prepare("coordination.requested", sampleData("coordination.requested"), { to: "mechelen" }), {
      window: 128,
      onAck: (acked) => {
        if (kills < KILLS && acked >= killAt[kills]! && !crashing) {
          kills++;
          crashing = (async () => {
            await s.server.kill9();
            await sleep(500);
            await s.server.restart();
          })().finally(() => (crashing = undefined));
        }
      },
    });
    await crashing;
    await waitFor(() => effects.missing(progress.acked).length === 0, {
      timeoutMs: 90_000, intervalMs: 250, what: `every acknowledged message at the consumer (${effects.distinct}/${progress.acked.size})`,
    });
    await consumption.stop();

    const stored = (await (await s.jsm()).streams.info(STREAMS.coord.name)).state.messages;
    const lost = effects.missing(progress.acked).length;
    reportFigures("kill-restart-3x", {
      published: MESSAGES, acked: progress.acked.size, kills, lost, duplicates: effects.duplicates, stored, redelivered: effects.redelivered,
      retried_sends: progress.retries, duplicate_acks: progress.duplicateAcks, time: secondsSince(started),
    });
    expect(kills).toBe(KILLS);
    expect(progress.acked.size).toBe(MESSAGES);
    expect(lost).toBe(0);
    expect(effects.duplicates).toBe(0);
    // A retried send after a lost ack carries the same Nats-Msg-Id: the stream holds each message once.
    expect(stored).toBe(MESSAGES);
  });
});
