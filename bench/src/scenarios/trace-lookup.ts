/**
 * Scenario 5, trace lookup: the time to find a 20-message trace with `traceSmall` and with
 * `traceLarge` messages stored, each store on its own server, lookups alternating between them.
 * Schakel: `lookupTrace` on the trace index (KV `traces`). Raw nats.js has no index: finding a
 * trace means reading the stream with an ordered consumer and keeping what carries its trace id.
 */
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { BUCKETS, STREAMS, TRACE_KEYS, newMessageId, newTraceId } from "@schakel/contracts";
import { HEADERS } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, startBed, type Bed } from "../bed.ts";
import { fillStream } from "../fill.ts";
import { progress } from "../progress.ts";
import { makeFigure, unavailable, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { median } from "../stats.ts";
import { loadOptional } from "./optional.ts";
import { within } from "./readers.ts";

type Index = unknown;
interface Tracing {
  connectOperator(o: { servers: string; seed: string }): Promise<{ index: Index; close(): Promise<void> }>;
  lookupTrace(index: Index, id: string): Promise<{ entries: unknown[] } | undefined>;
  startTraceIndexer(bus: unknown, o?: unknown): Promise<{ stats: { indexed: number }; stop(): Promise<void> }>;
}

const TRACE_SIZE_NAME = (n: number): string => (n >= 1e6 ? `10^${Math.round(Math.log10(n))}` : n.toLocaleString("en-US"));
const LOOKUPS_PER_ROUND = 50;

/** A store of `total` messages holding one indexed 20-message trace, plus its synthetic neighbours. */
async function prepareStore(bed: Bed, tracing: Tracing, total: number, size: number): Promise<{ traceId: string; fillSeconds: number; index: Index; close(): Promise<void> }> {
  const sender = await bed.connectAs(SENDER);
  const first = await sender.publish("notice.posted", bed.notice, { to: AUDIENCE.consume });
  for (let i = 1; i < size; i++) await sender.publish("notice.posted", bed.notice, { to: AUDIENCE.consume, trace: { traceparent: first.envelope.traceparent } });
  const platform = await bed.connectAs("vpr");
  const indexer = await tracing.startTraceIndexer(platform);
  const t0 = performance.now();
  while (indexer.stats.indexed < size) {
    if (performance.now() - t0 > 60_000) throw new Error(`the trace indexer indexed ${indexer.stats.indexed} of ${size} messages in 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await indexer.stop();
  const admin = await bed.server.admin();
  const jsm = await bed.server.jsm();
  const op = await tracing.connectOperator({ servers: bed.server.url, seed: bed.server.identities.admin.seed });
  // Neighbours: the same bytes as the real trace's messages and index page, under their own ids.
  const page = (await (await new Kvm(admin).open(BUCKETS.traces)).get(TRACE_KEYS.trace(first.traceId)))!.value;
  const out = sender.prepare("notice.posted", bed.notice, { to: AUDIENCE.consume });
  // Without the message id header: the stream would keep one copy of the same id (duplicate window).
  const headers = natsHeaders();
  for (const key of out.headers.keys()) if (key !== HEADERS.msgId) headers.set(key, out.headers.get(key));
  const others = total - size;
  const t1 = performance.now();
  await fillStream(admin, jsm, STREAMS.coord.name, others, () => ({ subject: out.subject, data: out.body, headers }), `trace ${TRACE_SIZE_NAME(total)}: messages`);
  const traceIds = Array.from({ length: Math.ceil(others / size) }, () => newTraceId());
  const enc = new TextEncoder();
  await fillStream(admin, jsm, `KV_traces`, others + traceIds.length, (i) =>
    i < traceIds.length
      ? { subject: `$KV.traces.${TRACE_KEYS.trace(traceIds[i]!)}`, data: page }
      : { subject: `$KV.traces.${TRACE_KEYS.message(newMessageId())}`, data: enc.encode(traceIds[(i - traceIds.length) % traceIds.length]!) },
    `trace ${TRACE_SIZE_NAME(total)}: index entries`);
  await sender.close();
  return { traceId: first.traceId, fillSeconds: (performance.now() - t1) / 1000, index: op.index, close: () => op.close() };
}

/** Raw: an ordered consumer over the whole stream, keeping messages whose traceparent has the id. */
async function scan(bed: Bed, traceId: string): Promise<number> {
  const js = jetstream(await bed.server.admin());
  const t0 = performance.now();
  const total = (await (await bed.server.jsm()).streams.info(STREAMS.coord.name)).state.messages;
  const consumer = await js.consumers.get(STREAMS.coord.name, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  let seen = 0;
  let found = 0;
  await within((async () => {
    for await (const m of messages) {
      if (m.headers?.get(HEADERS.traceparent).slice(3, 35) === traceId) found++;
      if (++seen === total) break;
    }
  })(), 600_000, "scanning the stream");
  messages.stop();
  if (found === 0) throw new Error(`the scan found no message of trace ${traceId}`);
  return performance.now() - t0;
}

export async function traceLookupScenario(bed: Bed): Promise<Figure[]> {
  const { traceSmall, traceLarge, traceSize, rounds, quick } = bed.settings;
  const names = { small: TRACE_SIZE_NAME(traceSmall), large: TRACE_SIZE_NAME(traceLarge) };
  const base = (id: string, name: string) => ({ scenario: 5, id, name, unit: "ms", better: "lower" as const });
  const tracing = await loadOptional<Tracing>("@schakel/tracing", ["connectOperator", "lookupTrace", "startTraceIndexer"]);
  if (typeof tracing === "string") return [unavailable({ ...base("trace-lookup", "trace lookup"), reason: tracing })];
  const [small, large] = await Promise.all([startBed(bed.settings), startBed(bed.settings)]);
  const stores: { close(): Promise<void> }[] = [];
  try {
    progress(`trace lookup: preparing ${names.small} and ${names.large} stored messages`);
    const s = await prepareStore(small, tracing, traceSmall, traceSize);
    stores.push(s);
    const l = await prepareStore(large, tracing, traceLarge, traceSize);
    stores.push(l);
    const lookup = (index: Index, traceId: string) => async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < LOOKUPS_PER_ROUND; i++) {
        const t0 = performance.now();
        const trace = await tracing.lookupTrace(index, traceId);
        times.push(performance.now() - t0);
        if (trace?.entries.length !== traceSize) throw new Error(`lookup found ${trace?.entries.length ?? 0} of ${traceSize} messages`);
      }
      return median(times);
    };
    const sides: Side<number>[] = [
      { name: "schakelSmall", run: lookup(s.index, s.traceId) },
      { name: "schakelLarge", run: lookup(l.index, l.traceId) },
      { name: "rawSmall", run: () => scan(small, s.traceId), warmup: async () => undefined },
      { name: "rawLarge", run: () => scan(large, l.traceId), warmup: async () => undefined },
    ];
    const r = await alternate("trace lookup", sides, rounds, (ms) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
    const per = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);
    const fill = `fill of ${names.large} (admin core publishes, messages then index entries) took ${l.fillSeconds.toFixed(0)} s`;
    return [
      makeFigure({ ...base("trace-lookup-small", `trace lookup (${traceSize} msgs), ${names.small} stored`), rounds: { raw: r.rawSmall!, schakel: r.schakelSmall! } }),
      makeFigure({
        ...base("trace-lookup-large", `trace lookup (${traceSize} msgs), ${names.large} stored`), rounds: { raw: r.rawLarge!, schakel: r.schakelLarge! },
        note: `raw = ordered consumer scanning the stream (no index); ${fill}${quick ? `; quick run: ${names.large} instead of 10^6` : ""}`,
      }),
      makeFigure({
        scenario: 5, id: "trace-lookup-scaling", name: `trace lookup ${names.large} / ${names.small}`, unit: "×", better: "lower",
        rounds: { raw: per(r.rawLarge!, r.rawSmall!), schakel: per(r.schakelLarge!, r.schakelSmall!) },
        target: { on: "schakel", op: "<=", value: 2, text: "≤ 2" },
      }),
    ];
  } finally {
    for (const store of stores) await store.close();
    await small.close();
    await large.close();
  }
}
