import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageSubject, newMessageId, newTraceId, sampleData, STREAMS, TRACE_KEYS } from "@schakel/contracts";
import { seal } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { connectOperator, lookupTrace, PAGE_SIZE, startTraceIndexer, TraceIndex, waitForIndex, type IndexEvent, type Operator, type TraceEntry, type TraceIndexer } from "../src/mod.ts";
import { noticeFlow } from "./helpers.ts";

const entry = (seq: number): TraceEntry => ({
  stream: STREAMS.coord.name, seq, id: newMessageId(), type: "knowledge.shared", subject: messageSubject("knowledge.shared", "all", "vvsg"),
  sender: "vvsg", audience: "all", time: new Date(1_700_000_000_000 + seq).toISOString(), storedAt: new Date(1_700_000_000_000 + seq).toISOString(),
  correlation: newMessageId(), span: "0123456789abcdef",
});

describe("trace index", () => {
  let s: SchakelServer;
  let indexer: TraceIndexer;
  let op: Operator;
  const events: IndexEvent[] = [];

  beforeAll(async () => {
    s = await startSchakelServer();
    indexer = await startTraceIndexer(await s.connectAs("vpr"), { onEvent: (e) => events.push(e) });
    op = await connectOperator({ servers: s.url, seed: s.identities.admin.seed });
  });
  afterAll(async () => {
    await op?.close();
    await indexer?.stop();
    await s?.cleanup();
  });

  it("trace index - a notice flow is found by trace id, message id and notice id, in storage order", async () => {
    const flow = await noticeFlow(s);
    const antwerpen = await s.connectAs("antwerpen");
    const sealed = seal({ question: "Known to your service?" }, [{ org: "mechelen", key: s.directory.sealingKeyOf("mechelen") }]);
    const consult = await antwerpen.publish("case.consultation.requested", sampleData("case.consultation.requested", sealed), { to: "mechelen" });
    const lag = await waitForIndex(op.connection, "vpr");
    expect(lag).toEqual({ behind: 0, caughtUp: true, provisioned: true });

    const byTrace = await lookupTrace(indexer.index, flow.traceId);
    expect(byTrace?.via).toBe("trace");
    expect(byTrace?.entries.map((e) => [e.id, e.stream, e.seq])).toEqual(flow.published.map((p) => [p.id, p.stream, p.seq]));
    expect(byTrace?.entries[0]).toMatchObject({ type: "notice.posted", sender: "fed-ocam", audience: "mechelen", ref: flow.noticeId, facts: { ackRequired: true, recipients: ["mechelen", "vilvoorde"] } });
    expect(byTrace?.entries[2]).toMatchObject({ type: "notice.delivered", sender: "mechelen", causation: flow.published[0]!.id });
    for (const id of [flow.published[3]!.id, flow.noticeId]) {
      const found = await lookupTrace(indexer.index, id);
      expect(found?.traceId).toBe(flow.traceId);
      expect(found?.entries).toHaveLength(4);
    }
    expect((await lookupTrace(indexer.index, flow.noticeId))?.via).toBe("notice");
    const caseTrace = await lookupTrace(indexer.index, consult.id);
    expect(caseTrace?.entries.map((e) => [e.stream, e.seq, e.type])).toEqual([[STREAMS.case.name, consult.seq, "case.consultation.requested"]]);
    expect(caseTrace?.entries[0]?.facts?.title).toBeUndefined();
    expect(await lookupTrace(indexer.index, newTraceId())).toBeUndefined();
    expect(await lookupTrace(indexer.index, "not-an-id")).toBeUndefined();
  });

  it("trace index - two writers appending to one trace with compare-and-set lose nothing, across pages", async () => {
    const traceId = newTraceId();
    // The admin's index next to the platform's: two writers on separate connections.
    const other = op.index;
    const all = Array.from({ length: 2 * PAGE_SIZE + 50 }, (_, i) => entry(i + 1));
    const chunks = (xs: TraceEntry[]) => Array.from({ length: Math.ceil(xs.length / 25) }, (_, i) => xs.slice(i * 25, i * 25 + 25));
    await Promise.all([
      (async () => { for (const c of chunks(all.filter((e) => e.seq % 2 === 0))) await indexer.index.append(traceId, c); })(),
      (async () => { for (const c of chunks(all.filter((e) => e.seq % 2 === 1))) await other.append(traceId, c); })(),
    ]);
    await indexer.index.append(traceId, all.slice(-10)); // a redelivery of the last ones
    const found = await indexer.index.lookupTrace(traceId);
    expect(found?.entries.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    const head = await other.store.pages.get(TRACE_KEYS.trace(traceId));
    expect(head?.value.pages).toBe(3);
  });

  it("trace index - a lookup reads one KV value per 100 messages of the trace, plus at most two pointers", async () => {
    let reads = 0;
    // Every read of the bucket, pages and pointers alike, goes through a `get`.
    const counting = <T extends object>(store: T): T => new Proxy(store, {
      get: (t, p) => {
        const v = Reflect.get(t, p, t) as unknown;
        if (typeof v !== "function") return v;
        return p === "get" ? (...a: unknown[]) => (reads++, (v as (...x: unknown[]) => unknown).apply(t, a)) : v.bind(t);
      },
    });
    const { pages, pointers } = (await TraceIndex.open(op.connection)).store;
    const index = new TraceIndex({ pages: counting(pages), pointers: counting(pointers) });
    const traceId = newTraceId();
    const entries = Array.from({ length: 250 }, (_, i) => entry(i + 1));
    await indexer.index.append(traceId, entries);
    await indexer.index.point(traceId, entries[0]!.id);
    reads = 0;
    expect((await lookupTrace(index, traceId))?.entries).toHaveLength(250);
    expect(reads).toBe(3);
    reads = 0;
    expect((await lookupTrace(index, entries[0]!.id))?.entries).toHaveLength(250);
    expect(reads).toBe(4);
  });

  it("trace index - a forged message on a live subject is skipped, not indexed", async () => {
    const admin = await s.admin();
    const forged = { ...(await noticeFlow(s)).published[0]!.envelope, id: newMessageId() };
    const js = (await import("@nats-io/jetstream")).jetstream(admin);
    const ack = await js.publish(messageSubject("notice.posted", "mechelen", "fed-ocam"), JSON.stringify(forged), { headers: undefined });
    await waitFor(() => events.some((e) => e.kind === "skipped" && e.seq === ack.seq), { what: "the forged message to be skipped" });
    expect(events.find((e) => e.kind === "skipped" && e.seq === ack.seq)).toMatchObject({ reason: "unsigned" });
    expect(await indexer.index.resolve(forged.id)).toBeUndefined();
  });
});
