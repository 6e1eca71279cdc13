/**
 * The operator connection of the traceability tools: how it fails to connect, and what it reads
 * through the bus client (stored messages by sequence, stream state, the index in its stored
 * format). The index format must stay readable as old indexes wrote it: JSON pages, pointers that
 * hold a bare trace id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { createUser } from "@nats-io/nkeys";
import { BUCKETS, messageSubject, newMessageId, newTraceId, SchakelError, STREAMS, TRACE_KEYS } from "@schakel/contracts";
import { freePort, startSchakelServer, type SchakelServer } from "@schakel/harness";
import { connectOperator, loadStored, lookupTrace, type Operator, type TraceEntry } from "../src/mod.ts";
import { noticeFlow, streamState } from "./helpers.ts";

const failure = (p: Promise<unknown>): Promise<SchakelError> =>
  p.then(() => Promise.reject(new Error("expected a failure")), (err: unknown) => (err instanceof SchakelError ? err : Promise.reject(err)));

describe("operator", () => {
  let s: SchakelServer;
  let op: Operator;

  beforeAll(async () => {
    s = await startSchakelServer();
    op = await connectOperator({ servers: s.url, seed: s.identities.admin.seed });
  });
  afterAll(async () => {
    await op?.close();
    await s?.cleanup();
  });

  it("operator - a seed the bus does not know is refused as credentials-refused, without blaming an absent bus", async () => {
    const stranger = new TextDecoder().decode(createUser().getSeed());
    const error = await failure(connectOperator({ servers: s.url, seed: stranger }));
    expect(error.toData()).toMatchObject({ code: "credentials-refused", retryable: false });
    expect(error.message).toContain(`the bus at ${s.url} refused the credentials of "operator"`);
    expect(error.message).not.toContain("schakel up");
  });

  it("operator - a server that is not there is unreachable and retryable, naming the URL", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const error = await failure(connectOperator({ servers: url, seed: s.identities.admin.seed }));
    expect(error.toData()).toMatchObject({ code: "unreachable", retryable: true });
    expect(error.message).toContain(`cannot reach the bus at ${url}`);
  });

  it("operator - stored messages are read by stream and sequence as stored; an expired one is listed as missing", async () => {
    const flow = await noticeFlow(s);
    const state = await streamState(op.connection, STREAMS.coord.name);
    expect(state.lastSeq).toBe(Math.max(...flow.published.map((p) => p.seq)));
    const entries = flow.published.map((p) => ({ stream: p.stream, seq: p.seq, id: p.id }) as TraceEntry);
    const gone = { stream: STREAMS.coord.name, seq: state.lastSeq + 1_000, id: newMessageId() } as TraceEntry;
    const { messages, missing } = await loadStored(op.connection, [...entries, gone]);
    expect(messages.map((m) => [m.stream, m.seq, m.subject])).toEqual(flow.published.map((p) => [p.stream, p.seq, p.subject]));
    expect(messages.map((m) => (JSON.parse(new TextDecoder().decode(m.body)) as { id: string }).id)).toEqual(flow.published.map((p) => p.id));
    expect(messages[0]!.headers["Schakel-Signature"]).toMatch(/^ed25519:/);
    expect(missing).toEqual([gone]);
  });

  it("operator - an index in the stored format (JSON pages, bare trace ids as pointers) is read, and is written that way", async () => {
    const kv = await new Kvm(await s.admin()).open(BUCKETS.traces);
    const traceId = newTraceId();
    const entry: TraceEntry = {
      stream: STREAMS.coord.name, seq: 7, id: newMessageId(), type: "knowledge.shared", subject: messageSubject("knowledge.shared", "all", "vvsg"),
      sender: "vvsg", audience: "all", time: "2026-11-28T10:00:00.000Z", storedAt: "2026-11-28T10:00:00.001Z", correlation: newMessageId(), span: "0123456789abcdef",
    };
    // As an older indexer wrote them, byte for byte.
    await kv.put(TRACE_KEYS.trace(traceId), JSON.stringify({ v: 1, entries: [entry], pages: 1 }));
    await kv.put(TRACE_KEYS.message(entry.id), traceId);
    const found = await lookupTrace(op.index, entry.id);
    expect(found).toMatchObject({ traceId, via: "message", dropped: 0 });
    expect(found?.entries).toEqual([entry]);

    const next = { ...entry, seq: 8, id: newMessageId() };
    await op.index.append(traceId, [next]);
    await op.index.point(traceId, next.id, next.correlation);
    expect(JSON.parse((await kv.get(TRACE_KEYS.trace(traceId)))!.string())).toEqual({ v: 1, entries: [entry, next], pages: 1 });
    expect((await kv.get(TRACE_KEYS.message(next.id)))!.string()).toBe(traceId);
    expect((await kv.get(TRACE_KEYS.notice(next.correlation)))!.string()).toBe(traceId);
  });
});
