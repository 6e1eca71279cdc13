/**
 * The one read path against a real, secured bus: a durable read hands over typed, verified
 * messages and refusals as data (the reader decides what to do with them); a raw read hands over
 * the bytes and headers exactly as stored; an organisation's feed merges its slots by stream
 * sequence, and `findInFeed` finds only what the organisation may read, leaving no slot behind.
 */
import { jetstream } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { feedConsumerName, sampleData, STREAMS } from "@schakel/contracts";
import { findInFeed, openFeed, readStream, readStreamBatches, type FoundMessage, type StreamRead, type Verdict } from "@schakel/contracts/bus";
import { waitFor } from "@schakel/harness";
import { fileBus } from "./helpers.ts";

const t = fileBus({ ocam: "fed-ocam", mechelen: "mechelen" });

/** Reads `count` messages of a durable with `read`, acknowledging each; stops the reading after. */
async function readSome(count: number, start: (onRead: (r: StreamRead) => void) => { stop(): void; closed: Promise<void> }): Promise<StreamRead[]> {
  const got: StreamRead[] = [];
  const reading = start((r) => {
    got.push(r);
    r.ack();
  });
  await waitFor(() => got.length >= count, { what: `${count} reads` });
  reading.stop();
  await reading.closed;
  return got;
}

describe("bus - read stream", () => {
  it("read stream - a durable hands over typed, verified messages and a refusal as data", async () => {
    const good = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    // Written past the bus client: no envelope, no signature.
    await jetstream(await t.s.admin()).publish("coord.mechelen.fed-ocam.notice.posted", JSON.stringify({ not: "an envelope" }));
    const consumer = { stream: STREAMS.coord.name, name: "mechelen--mechelen" };
    const reads = await readSome(2, (onRead) => readStream(t.mechelen, { consumer }, onRead));
    const verdicts: Verdict[] = reads.map((r) => r.verdict!);
    expect(verdicts[0]).toMatchObject({ ok: true, type: "notice.posted", envelope: { id: good.id, sender: "fed-ocam" } });
    expect(verdicts[1]).toMatchObject({ ok: false, rejection: { reason: "invalid-envelope" } });
    expect(reads.map((r) => r.seq)).toEqual([good.seq, good.seq + 1]);
  });

  it("read stream - a raw batch read carries the bytes and headers exactly as stored", async () => {
    const p = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "all" });
    const consumer = { stream: STREAMS.coord.name, name: "mechelen--all" };
    const [read] = await readSome(1, (onRead) => readStreamBatches(t.mechelen, { consumer, mode: "raw" }, (batch) => batch.forEach(onRead)));
    const stored = await (await t.s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: p.seq });
    expect(read!.verdict).toBeUndefined();
    expect(read!.seq).toBe(p.seq);
    expect(Buffer.from(read!.body).equals(Buffer.from(stored!.data))).toBe(true);
    expect(read!.headers?.keys().sort()).toEqual([...stored!.header.keys()].sort());
    expect(read!.storedAt.toISOString().slice(0, 19)).toBe(stored!.timestamp.slice(0, 19));
  });

  it("feed - the history merges the organisation's slots by stream sequence and frees them", async () => {
    const before = (await (await t.s.jsm()).streams.info(STREAMS.coord.name)).state.last_seq;
    const seqs: Record<string, number> = {};
    for (const to of ["mechelen", "gent", "local", "all", "flemish", "mechelen"]) {
      seqs[`${to}-${Object.keys(seqs).length}`] = (await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to })).seq;
    }
    const visible = Object.entries(seqs).filter(([k]) => /^(mechelen|local|all)-/.test(k)).map(([, s]) => s);
    const feed = await openFeed(t.mechelen, { kind: "after-seq", seq: before });
    expect(feed.slots.map((s) => s.filter).sort()).toEqual(["coord.all.>", "coord.local.>", "coord.mechelen.>"]);
    const read: number[] = [];
    await feed.history((m) => void read.push(m.seq));
    await feed.close();
    expect(read).toEqual(visible);
    const jsm = await t.s.jsm();
    for (const s of feed.slots) await expect(jsm.consumers.info(s.stream, s.name)).rejects.toThrow();
  });

  it("feed - a slow follower takes only its queue ahead; the rest waits at the server, then every message comes once, in order", async () => {
    const jsm = await t.s.jsm();
    const before = (await jsm.streams.info(STREAMS.coord.name)).state.last_seq;
    const feed = await openFeed(t.mechelen, { kind: "after-seq", seq: before }, { batch: 5, liveQueue: 10 });
    const own = feed.slots.find((s) => s.filter === "coord.mechelen.>")!;
    await feed.history(() => {});
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const read: number[] = [];
    const following = await feed.follow(async (m) => {
      read.push(m.seq);
      if (read.length === 1) await held; // the reader is stuck on its first message
    });
    try {
      const sent: number[] = [];
      for (let i = 0; i < 40; i++) sent.push((await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" })).seq);
      const delivered = async () => (await jsm.consumers.info(own.stream, own.name)).delivered.consumer_seq;
      await waitFor(async () => (await delivered()) >= 10, { what: "the follower's queue filled" });
      await new Promise((r) => setTimeout(r, 500));
      // Taken ahead of the stuck reader: its queue (10), not the 40 the server holds for it.
      expect(await delivered()).toBe(10);
      expect((await jsm.consumers.info(own.stream, own.name)).num_pending).toBe(30);
      release();
      await waitFor(() => read.length >= 40, { what: "all 40 live messages" });
      expect(read).toEqual(sent);
    } finally {
      release();
      await following.stop();
      await feed.close();
    }
  });

  it("feed - a follower whose reader throws ends, and says why", async () => {
    const before = (await (await t.s.jsm()).streams.info(STREAMS.coord.name)).state.last_seq;
    const feed = await openFeed(t.mechelen, { kind: "after-seq", seq: before });
    const following = await feed.follow(() => {
      throw new Error("the reader's own trouble");
    });
    await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    await expect(following.done).rejects.toThrow("the reader's own trouble");
    await feed.close();
  });

  it("feed - findInFeed finds a message the organisation may read, not one addressed elsewhere", async () => {
    const mine = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "local" });
    const other = await t.ocam.publish("notice.posted", sampleData("notice.posted"), { to: "gent" });
    const noticeIdOf = (data: unknown): string | undefined => (data as { noticeId?: string } | undefined)?.noticeId;
    const byNotice = (id: string | undefined) => (m: FoundMessage) => m.verdict.type === "notice.posted" && noticeIdOf(m.verdict.envelope.data) === id;
    const found = await findInFeed(t.mechelen, byNotice(noticeIdOf(mine.envelope.data)), { near: mine.id });
    expect(found).toMatchObject({ seq: mine.seq, verdict: { ok: true, envelope: { id: mine.id } } });
    expect(await findInFeed(t.mechelen, byNotice(noticeIdOf(other.envelope.data)), { near: other.id })).toBeUndefined();
    const jsm = await t.s.jsm();
    await expect(jsm.consumers.info(STREAMS.coord.name, feedConsumerName("mechelen", 1))).rejects.toThrow();
  });
});
