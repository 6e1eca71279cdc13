/**
 * A node out of JetStream storage: a server with a small `max_file_store`, part of it taken by
 * sandbox replays, gets bursts of signed notices until it refuses them. Every refusal must say
 * that the storage is full (naming the stream and the subject), every acknowledged notice must be
 * stored and reach its recipient, and a refused notice published again with the same id once
 * there is room again (the replays purged) must be stored once.
 */
import { jetstream } from "@nats-io/jetstream";
import { messageSubject, sampleData, SchakelError, sandboxSubject, STREAMS } from "@schakel/contracts";
import type { Outgoing } from "@schakel/contracts/bus";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { afterAll, describe, expect, it } from "vitest";
import { EffectLedger } from "../src/effects.ts";
import { reportFigures, secondsSince } from "../src/figures.ts";

/** The server's whole JetStream file storage: room for a few hundred notices besides the replays. */
const MAX_FILE_STORE = 512 * 1024;
/** Sandbox replays written first, taking this much of it; purging them is what frees room later. */
const REPLAY_BYTES = 192 * 1024;
const REPLAY_CHUNK = 4 * 1024;
const SANDBOX = "storage-full";
/** Notices sent at once; bursts are sent until one is refused, then one more to show it stays so. */
const BURST = 32;
/** A bound on the publications, should the server never refuse (the test then fails). */
const MAX_PUBLISHED = 50 * BURST;

let s: SchakelServer | undefined;
afterAll(async () => {
  await s?.cleanup();
});

describe("storage full", () => {
  it("storage full - a node out of JetStream storage refuses publications with a clear error and loses nothing acknowledged", async () => {
    const started = performance.now();
    s = await startSchakelServer({ server: { maxFileStore: MAX_FILE_STORE } });
    const server = s;
    const jsm = await server.jsm();
    const subject = messageSubject("notice.posted", "mechelen", "fed-ocam");

    // Replays for a service under development take part of the store (stand-ins: blocks the admin writes).
    const admin = jetstream(await server.admin());
    const replaySubject = sandboxSubject(SANDBOX, subject);
    for (let n = 0; n < REPLAY_BYTES / REPLAY_CHUNK; n++) await admin.publish(replaySubject, new Uint8Array(REPLAY_CHUNK));

    const receiver = await server.connectAs("mechelen");
    const effects = new EffectLedger();
    const consumption = receiver.consume({ handlers: { "notice.posted": (d) => effects.record(d.envelope.id, d.deliveryCount) } });

    // Bursts of notices until the server refuses one, and one burst more.
    const sender = await server.connectAs("fed-ocam");
    const acked = new Set<string>();
    const refused: { out: Outgoing; error: unknown }[] = [];
    let published = 0;
    let burstsAfterRefusal = 0;
    let lastBurstRefused = 0;
    while (burstsAfterRefusal < 2 && published < MAX_PUBLISHED) {
      const burst = Array.from({ length: BURST }, () =>
        sender.prepare("notice.posted", { ...sampleData("notice.posted"), recipients: ["mechelen"], ackRequired: false }, { to: "mechelen" }));
      published += burst.length;
      const results = await Promise.allSettled(burst.map((out) => sender.send(out)));
      results.forEach((r, i) => (r.status === "fulfilled" ? acked.add(r.value.id) : refused.push({ out: burst[i]!, error: r.reason })));
      lastBurstRefused = results.filter((r) => r.status === "rejected").length;
      if (refused.length) burstsAfterRefusal++;
    }
    expect(refused.length, `no publication refused in ${published} with max_file_store ${MAX_FILE_STORE}`).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(0);
    // Once full, it stays full: the burst after the first refusal is refused whole.
    expect(lastBurstRefused).toBe(BURST);

    // Every refusal says the storage is full, names COORD and the subject, and is not retried by the client.
    const codes = new Set<unknown>();
    for (const { error } of refused) {
      expect(error).toBeInstanceOf(SchakelError);
      const e = error as SchakelError;
      expect([e.code, e.retryable, e.details["reason"]]).toEqual(["limit", false, "storage-full"]);
      for (const part of [`COORD could not store notice.posted on ${subject}`, "JetStream storage is full", "max_file_store", "NOT stored", "same id"]) {
        expect(e.message).toContain(part);
      }
      codes.add(e.details["jsCode"]);
    }

    // COORD holds exactly the acknowledged notices: none missing, no refused one.
    const storedIds = async (): Promise<string[]> => (await storedOfType(jsm, "notice.posted", "fed-ocam")).map((m) => m.envelope.id);
    const stored = await storedIds();
    const lost = [...acked].filter((id) => !stored.includes(id)).length;
    expect(lost).toBe(0);
    expect(stored.length).toBe(acked.size);
    expect(refused.filter(({ out }) => stored.includes(out.envelope.id))).toEqual([]);

    // The recipient receives each acknowledged notice, the store still full.
    await waitFor(() => effects.missing(acked).length === 0, { timeoutMs: 15_000, intervalMs: 100, what: `every acknowledged notice at mechelen (${effects.distinct}/${acked.size})` });

    // Room again: the replays purged. The first refused notice, sent again with the same id, is stored once.
    // The whole SANDBOX (only this test's replays are in it): on nats-server 2.9.10 a purge with a
    // subject filter frees the messages but not the storage JetStream counts (fixed by nats-server #3876).
    await jsm.streams.purge(STREAMS.sandbox.name);
    const again = refused[0]!.out;
    const republished = await sender.send(again);
    expect(republished.duplicate).toBe(false);
    // Sent once more, it is recognised by its id: nothing new stored.
    expect((await sender.send(again)).duplicate).toBe(true);
    const after = await storedIds();
    expect(after.filter((id) => id === again.envelope.id)).toHaveLength(1);
    expect(after.length).toBe(acked.size + 1);
    await waitFor(() => effects.has(again.envelope.id), { timeoutMs: 15_000, intervalMs: 100, what: "the notice sent again at mechelen" });
    await consumption.stop();

    reportFigures("storage-full", {
      max_file_store: `${MAX_FILE_STORE / 1024}KiB`, published, acknowledged: acked.size, refused: refused.length, stored: stored.length, lost,
      refused_code: [...codes].join("+"), republished_stored: after.length - stored.length, duplicates: effects.duplicates, time: secondsSince(started),
    });
    expect(effects.duplicates).toBe(0);
  });
});
