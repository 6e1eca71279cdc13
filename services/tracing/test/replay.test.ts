import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_TYPES, sandboxConsumer, STREAMS } from "@schakel/contracts";
import { connectBus, type ConsumeEvent, type Delivery, type Handlers, type Published } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { connectOperator, parsePace, replay, startTraceIndexer, waitForIndex, type Operator, type ReplayProgress, type TraceIndexer } from "../src/mod.ts";
import { noticeFlow, streamState, type NoticeFlow } from "./helpers.ts";

const dec = new TextDecoder();

describe("replay", () => {
  let s: SchakelServer;
  let indexer: TraceIndexer;
  let op: Operator;
  let flow: NoticeFlow;

  /** A service under development reading sandbox `name` (the operator's rights, fed-ocam's view). */
  async function sandboxService(name: string, replayMode: boolean) {
    const creds = s.identities.organisations.get("fed-ocam")!;
    const bus = await connectBus({ servers: s.url, credentials: { ...creds, seed: s.identities.admin.seed }, directory: s.directory });
    const seen: Delivery[] = [];
    const answers: Published[] = [];
    const events: ConsumeEvent[] = [];
    const handlers = Object.fromEntries(MESSAGE_TYPES.map((t) => [t, (d: Delivery) => void seen.push(d)])) as Handlers;
    // The service answers what it receives, as it would live.
    handlers["notice.delivered"] = async (d) => {
      seen.push(d);
      answers.push(await d.reply("coordination.requested", { requestId: d.envelope.id, ask: "inform", topic: "Delivery noted", body: "Noted." }, { to: "mechelen" }));
    };
    const consumption = bus.consume({ handlers, consumers: [sandboxConsumer(name)], replayMode, onEvent: (e) => events.push(e) });
    return { seen, answers, events, stop: async () => (await consumption.stop(), await bus.close()) };
  }

  beforeAll(async () => {
    s = await startSchakelServer();
    indexer = await startTraceIndexer(await s.connectAs("vpr"));
    // Gaps of ~1.5 s and ~3 s between the answers: the timeline the pacing test compresses 3x.
    flow = await noticeFlow(s, [1_500, 3_000]);
    op = await connectOperator({ servers: s.url, seed: s.identities.admin.seed });
    await waitForIndex(op.connection, "vpr");
  });
  afterAll(async () => {
    await op?.close();
    await indexer?.stop();
    await s?.cleanup();
  });

  it("replay - a trace into a sandbox: same messages, same order, marked, paced 3x within 20%, live stream untouched", async () => {
    const jsm = await s.jsm();
    const before = await streamState(op.connection, STREAMS.coord.name);
    const progress: ReplayProgress[] = [];
    const result = await replay(op, { select: { trace: flow.noticeId }, into: { sandbox: "dev1" }, pace: parsePace("3x"), onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => [p.done, p.total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(await streamState(op.connection, STREAMS.coord.name)).toEqual(before);
    expect(result).toMatchObject({ traceId: flow.traceId, replayed: 4, into: { kind: "sandbox", name: "dev1", stream: "SANDBOX", consumer: "sandbox--dev1" } });

    const originals = await Promise.all(flow.published.map((p) => jsm.streams.getMessage(p.stream, { seq: p.seq })));
    const copies = await Promise.all(result.messages.map((m) => jsm.streams.getMessage(STREAMS.sandbox.name, { seq: m.copy!.seq })));
    copies.forEach((copy, i) => {
      const original = originals[i]!;
      expect(copy!.subject).toBe(`sandbox.dev1.${original!.subject}`);
      expect(dec.decode(copy!.data)).toBe(dec.decode(original!.data));
      expect(copy!.header.get("Schakel-Signature")).toBe(original!.header.get("Schakel-Signature"));
      expect(copy!.header.get("Schakel-Replay")).toBe("dev1");
      expect(copy!.header.get("Schakel-Replay-Original-Seq")).toBe(String(original!.seq));
    });
    // Pacing: the gaps of at least a second (the two answers) replayed at a third, within 20%. Gaps
    // of half a second and more keep the bound meaningful on a loaded machine, where a timer can
    // fire tens of milliseconds late.
    const gaps = (ts: Date[]) => ts.slice(1).map((t, i) => t.getTime() - ts[i]!.getTime());
    const originalGaps = gaps(originals.map((m) => m!.time));
    const replayedGaps = gaps(copies.map((m) => m!.time));
    const measured = originalGaps.map((g, i) => ({ original: g, expected: g / 3, replayed: replayedGaps[i]! })).filter((g) => g.original >= 1_000);
    expect(measured).toHaveLength(2);
    for (const g of measured) expect(Math.abs(g.replayed - g.expected)).toBeLessThanOrEqual(0.2 * g.expected);
    console.info("replay pacing 3x (ms):", JSON.stringify(measured));
  });

  it("replay - a service in replay mode receives the copies with their original ids, its answers are not sent; a live one refuses them", async () => {
    const before = await streamState(op.connection, STREAMS.coord.name);
    await replay(op, { select: { trace: flow.traceId }, into: { sandbox: "dev2" }, pace: parsePace("instant") });
    const dev = await sandboxService("dev2", true);
    await waitFor(() => dev.seen.length === 4, { what: "four replayed deliveries" });
    await dev.stop();
    expect(dev.answers).toHaveLength(1);
    expect(dev.answers[0]).toMatchObject({ stream: "", seq: 0, envelope: { causationid: flow.published[2]!.id } });
    expect(await streamState(op.connection, STREAMS.coord.name)).toEqual(before);
    expect(dev.seen.map((d) => d.envelope.id)).toEqual(flow.published.map((p) => p.id));
    expect(dev.seen.every((d) => d.replay === "dev2" && d.stream === STREAMS.sandbox.name)).toBe(true);
    expect(dev.seen.map((d) => d.storedAt.getTime())).toEqual((await Promise.all(flow.published.map(async (p) => (await (await s.jsm()).streams.getMessage(p.stream, { seq: p.seq }))!.time.getTime()))));

    await replay(op, { select: { trace: flow.traceId }, into: { sandbox: "dev3" }, pace: parsePace("instant") });
    const live = await sandboxService("dev3", false);
    await waitFor(() => live.events.filter((e) => e.kind === "rejected").length === 4, { what: "four refusals" });
    await live.stop();
    expect(live.seen).toHaveLength(0);
    expect(live.events.map((e) => (e.kind === "rejected" ? e.rejection.reason : e.kind))).toEqual(Array(4).fill("replay-refused"));
  });

  it("replay - a window by sender and type glob, into a local handler: typed deliveries in order, answers recorded not sent", async () => {
    const since = new Date(Date.parse(flow.published[0]!.envelope.time) - 1_000);
    const handled: Delivery[] = [];
    const handlers: Handlers = {
      "notice.acknowledged": async (d) => {
        handled.push(d);
        await d.reply("coordination.requested", { requestId: d.envelope.id, ask: "inform", topic: "Follow-up of the notice", body: "Please share the outcome." }, { to: "mechelen" });
      },
      "notice.delivered": (d) => void handled.push(d),
    };
    const before = await streamState(op.connection, STREAMS.coord.name);
    const result = await replay(op, { select: { since, typeGlob: "notice.*", from: "mechelen" }, into: { handlers, directory: s.directory }, pace: parsePace("instant") });
    expect(await streamState(op.connection, STREAMS.coord.name)).toEqual(before);
    expect(handled.map((d) => d.envelope.id)).toEqual([flow.published[2]!.id, flow.published[3]!.id]);
    expect(handled.every((d) => d.replay === "handler")).toBe(true);
    expect(result.outcomes).toEqual({ handled: 2, ignored: 0, refused: 0, failed: 0 });
    expect(result.replies).toMatchObject([{ inReplyTo: flow.published[3]!.id, type: "coordination.requested", to: "mechelen" }]);

    const acks = await replay(op, { select: { since, typeGlob: "notice.ack*" }, into: { handlers: {}, directory: s.directory }, pace: parsePace("instant") });
    expect(acks.messages.map((m) => m.seq)).toEqual([flow.published[3]!.seq]);
    expect(acks.outcomes?.ignored).toBe(1);
  });
});
