/**
 * Scenario 3, end-to-end latency at a steady rate: a publisher process (latency/publisher.ts)
 * sends `latencyRate` msg/s for `latencySeconds`; this process reads through a fresh pull
 * consumer. Latency runs from just before the publish call (so Schakel's build and sign count) to
 * just after the reader acked the message, both on the machine's monotonic clock. Sender and
 * reader are separate processes, as in production: neither one's CPU delays the other's loop.
 * Messages arrive in stream order, so the i-th read is the i-th sent. The Schakel reader runs with
 * every signature verified on the event-loop thread (crypto workers off) and with a backlog's
 * verified ahead in the crypto pool (on); both are sent by the same Schakel publisher.
 */
import { inboxPrefix } from "@schakel/contracts";
import { cryptoWorkersFrom } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { monotonicMs } from "../latency/clock.ts";
import { startPublisher } from "../latency/publisher-process.ts";
import { freezeMessage, verifyOnce } from "../payload.ts";
import { makeFigure, type Figure } from "../report/figure.ts";
import { alternate, settle, type Side } from "../rounds.ts";
import { summariseLatency, type LatencySummary } from "../stats.ts";
import { rawReader, schakelReader, within, type Reader } from "./readers.ts";

const READER = AUDIENCE.latency;
const rs = (results: Record<string, unknown[]>, side: string): number => results[side]!.length;

type Run = LatencySummary & { keptUp: number; lateMs: number };

export async function latencyScenario(bed: Bed): Promise<Figure[]> {
  const { latencyRate: rate, latencySeconds, batch, rounds } = bed.settings;
  const probe = await bed.connectAs(SENDER);
  const frozen = freezeMessage(probe, bed.notice, READER);
  await probe.close();
  const publisher = await startPublisher({
    url: bed.server.url, credentials: bed.server.identities.organisations.get(SENDER), directory: bed.server.identities.directory,
    inboxPrefix: inboxPrefix(SENDER), to: READER, data: bed.notice,
    subject: frozen.subject, body: Buffer.from(frozen.body).toString("base64"), signed: frozen.signed.toString("base64"),
  });
  const subBus = await bed.connectAs(READER);
  const subNc = await bed.rawAs(READER);
  const filter = bed.subject(READER);

  const measure = (
    side: "raw" | "limit" | "schakel" | "pool",
    open: (c: Parameters<typeof rawReader>[1], total: number, seen: (i: number) => void) => Promise<Reader> | Reader,
  ) => async (seconds = latencySeconds): Promise<Run> => {
    const total = Math.round(rate * seconds);
    const readAt = new Float64Array(total);
    const feed = await bed.feedConsumer(READER, filter, "new");
    const reader = await open(feed.consumer, total, (i) => (readAt[i] = monotonicMs()));
    try {
      await settle(100); // let the first pull reach the server before the clock starts
      const { sentAt, lateMs } = await publisher.run({ side: side === "pool" ? "schakel" : side, total, rate });
      await within(reader.done, 60_000, `reading ${total} messages at ${rate}/s`);
      const latency = Float64Array.from(sentAt, (s, i) => readAt[i]! - s);
      // Did the reader keep up? The share read by the time the last message was sent (+100 ms):
      // well below 1, the reader fell behind and latency is mostly queueing.
      const by = sentAt[total - 1]! + 100;
      let read = 0;
      while (read < total && readAt[read]! <= by) read++;
      return { ...summariseLatency(latency), keptUp: read / total, lateMs };
    } finally {
      await reader.stop();
      await feed.remove();
    }
  };
  const raw = measure("raw", (c, t, seen) => rawReader(subNc, c, t, batch, seen));
  const limit = measure("limit", (c, t, seen) => rawReader(subNc, c, t, batch, seen, () => verifyOnce(frozen)));
  const schakel = measure("schakel", (c, t, seen) => schakelReader(subBus, c, t, batch, seen, false));
  const pooled = measure("pool", (c, t, seen) => schakelReader(subBus, c, t, batch, seen, true));
  // The quick run's rounds are short enough that a warm-up would cost a fifth of the scenario.
  const warm = (f: (s: number) => Promise<Run>) => (bed.settings.quick ? async () => undefined : () => f(0.3));
  const sides: Side<Run>[] = [
    { name: "raw", run: () => raw(), warmup: warm(raw) },
    { name: "limit", run: () => limit(), warmup: warm(limit) },
    { name: "schakel", run: () => schakel(), warmup: warm(schakel) },
    { name: "pool", run: () => pooled(), warmup: warm(pooled) },
  ];
  const ms = (x: number): string => x.toFixed(2);
  let results: Record<string, Run[]>;
  try {
    results = await alternate("e2e latency", sides, rounds, (r) => `p50 ${ms(r.p50)} p99 ${ms(r.p99)} max ${ms(r.max)} ms`);
  } finally {
    await publisher.stop();
    await subBus.close();
  }
  const pick = (k: keyof Run, schakelSide = "schakel") => Object.fromEntries(Object.entries(results)
    .filter(([side]) => side !== (schakelSide === "schakel" ? "pool" : "schakel"))
    .map(([side, rs]) => [side === schakelSide ? "schakel" : side, rs.map((r) => r[k])]));
  const name = (p: string, workers = "off") => `e2e latency ${p} at ${rate} msg/s for ${latencySeconds} s, crypto workers ${workers}`;
  const on = `on (${cryptoWorkersFrom()})`;
  const behind = Object.entries(results)
    .map(([side, rs]) => [side, rs.filter((r) => r.keptUp < 0.95).length, Math.min(...rs.map((r) => r.keptUp))] as const)
    .filter(([, n]) => n > 0)
    .map(([side, n, worst]) => `${side} in ${n} of ${rs(results, side)} rounds, down to ${Math.round(worst * 100)}% read while sending`);
  const lagging = Object.entries(results)
    .map(([side, rs]) => [side, Math.max(...rs.map((r) => r.lateMs))] as const)
    .filter(([, late]) => late > 100)
    .map(([side, late]) => `${side} up to ${Math.round(late)} ms`);
  const note = [
    "publisher in its own process, reader here",
    behind.length ? `readers fell behind the offered ${rate} msg/s (${behind.join("; ")}): those rounds measure queueing on a busy machine` : `every reader kept up with ${rate} msg/s`,
    ...(lagging.length ? [`senders ran late on their schedule (${lagging.join(", ")})`] : []),
  ].join("; ");
  // Schakel's p50 and p99 within 1.2× the crypto limit's own (which pays one sign and one verify per message).
  const nearLimit = { on: "ratioToLimit" as const, op: "<=" as const, value: 1.2, text: "≤ 1.2× limit" };
  return [
    makeFigure({ scenario: 3, id: "e2e-p50", name: name("p50"), unit: "ms", better: "lower", rounds: pick("p50"), target: nearLimit }),
    makeFigure({ scenario: 3, id: "e2e-p99", name: name("p99"), unit: "ms", better: "lower", rounds: pick("p99"), target: nearLimit, note }),
    makeFigure({ scenario: 3, id: "e2e-max", name: name("max"), unit: "ms", better: "lower", rounds: pick("max") }),
    makeFigure({ scenario: 3, id: "e2e-p50-pool", name: name("p50", on), unit: "ms", better: "lower", rounds: pick("p50", "pool"), target: nearLimit }),
    makeFigure({ scenario: 3, id: "e2e-p99-pool", name: name("p99", on), unit: "ms", better: "lower", rounds: pick("p99", "pool"), target: nearLimit }),
    makeFigure({ scenario: 3, id: "e2e-max-pool", name: name("max", on), unit: "ms", better: "lower", rounds: pick("max", "pool") }),
  ];
}
