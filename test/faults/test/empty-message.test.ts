/**
 * A zero-byte message without headers. It is malformed like any other and must be dead-lettered,
 * but on nats-server 2.9 an empty message is also the end-of-stream marker of a streamed service
 * import: delivered through an organisation's account import, it ends that pull's response path,
 * and the messages behind it in the same pull are dropped on the way and redelivered only after
 * ack_wait. This scenario measures that stall and holds the bus to "nothing lost".
 */
import { jetstream } from "@nats-io/jetstream";
import { sampleData, STREAMS } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { afterAll, describe, expect, it } from "vitest";
import { readDeadLetters } from "../src/dead-letters.ts";
import { EffectLedger } from "../src/effects.ts";
import { reportFigures, secondsSince } from "../src/figures.ts";

const BEHIND = 20;
/**
 * The consumers' ack_wait (deployed at 30 s): the messages behind the empty one come again after
 * it, on the pull that replaces the ended one (two missed heartbeats later), whichever is later.
 */
const ACK_WAIT_MS = 2_000;
/** Two missed heartbeats of the pull (half its 10 s expiry each), its reopening, and room for a busy machine. */
const STALL_SLACK_S = 30;
let s: SchakelServer | undefined;

afterAll(async () => {
  await s?.cleanup();
});

describe("empty message", () => {
  it("empty message - a zero-byte message is dead-lettered and the messages behind it still arrive, after a bounded stall", async () => {
    const started = performance.now();
    s = await startSchakelServer({ ackWaitMs: ACK_WAIT_MS });
    const receiver = await s.connectAs("mechelen");
    const sender = await s.connectAs("fed-ocam");
    const effects = new EffectLedger();
    const consumption = receiver.consume({ handlers: { "coordination.requested": (d) => effects.record(d.envelope.id, d.deliveryCount) } });

    const first = await sender.publish("coordination.requested", sampleData("coordination.requested"), { to: "mechelen" });
    await waitFor(() => effects.has(first.id), { what: "the first message" });
    const subject = first.subject;
    const empty = await jetstream(await s.admin()).publish(subject, new Uint8Array(0));
    const sentAt = performance.now();
    const behind: string[] = [];
    for (let i = 0; i < BEHIND; i++) behind.push((await sender.publish("coordination.requested", sampleData("coordination.requested"), { to: "mechelen" })).id);
    await waitFor(() => effects.missing(behind).length === 0, { timeoutMs: 90_000, intervalMs: 100, what: `${BEHIND} messages behind the empty one` });
    const stalled = (performance.now() - sentAt) / 1000;
    const admin = await s.admin();
    await waitFor(async () => (await readDeadLetters(admin)).some((r) => r.sourceSeq === empty.seq), { timeoutMs: 30_000, what: "the empty message in DEADLETTER" });
    await consumption.stop();
    const info = await (await s.jsm()).consumers.info(STREAMS.coord.name, "mechelen--mechelen");

    reportFigures("empty-message", {
      behind: BEHIND, arrived: BEHIND - effects.missing(behind).length, lost: effects.missing(behind).length, duplicates: effects.duplicates,
      filed: 1, stalled: `${stalled.toFixed(1)}s`, ack_wait: `${ACK_WAIT_MS / 1000}s`, redelivered: info.num_redelivered, time: secondsSince(started),
    });
    expect(effects.missing(behind)).toEqual([]);
    expect(effects.duplicates).toBe(0);
    // Bounded by the consumer's ack_wait plus two missed heartbeats of the pull.
    expect(stalled).toBeLessThan(ACK_WAIT_MS / 1000 + STALL_SLACK_S);
  });
});
