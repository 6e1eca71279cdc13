/**
 * Scenario 3, end-to-end latency at a steady rate: one connection publishes at `latencyRate`
 * msg/s for `latencySeconds`, another reads through a fresh pull consumer; each message's latency
 * runs from just before its publish call (so Schakel's build and sign count) to just after the
 * reader acked it. Messages arrive in stream order, so the i-th read is the i-th sent.
 */
import { jetstream } from "@nats-io/jetstream";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { freezeMessage, verifyOnce } from "../payload.ts";
import { makeFigure, type Figure } from "../report/figure.ts";
import { alternate, settle, type Side } from "../rounds.ts";
import { median, summariseLatency, type LatencySummary } from "../stats.ts";
import { rawReader, schakelReader, within, type Reader } from "./readers.ts";

const READER = AUDIENCE.latency;

type Run = LatencySummary & { delivered: number };

/** Calls `send(i)` for i = 0..total-1 at `rate` per second, in small timer-driven bursts. */
async function steady(total: number, rate: number, sentAt: Float64Array, send: (i: number) => Promise<unknown>, fail: (e: unknown) => void): Promise<void> {
  const t0 = performance.now();
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
    for (; i < due; i++) {
      sentAt[i] = performance.now();
      send(i).catch(fail);
    }
    // 1 ms timers: at 2,000 msg/s a burst is 2–4 messages; a busy loop would steal the reader's core.
    await new Promise((r) => setTimeout(r, 1));
  }
}

export async function latencyScenario(bed: Bed): Promise<Figure[]> {
  const { latencyRate: rate, latencySeconds, batch, rounds } = bed.settings;
  const pubBus = await bed.connectAs(SENDER);
  const pubJs = jetstream(await bed.rawAs(SENDER), { timeout: 5_000 });
  const subBus = await bed.connectAs(READER);
  const subNc = await bed.rawAs(READER);
  const frozen = freezeMessage(pubBus, bed.notice, READER);
  const filter = bed.subject(READER);

  const measure = (
    send: (i: number) => Promise<unknown>,
    open: (c: Parameters<typeof rawReader>[1], total: number, seen: (i: number) => void) => Promise<Reader> | Reader,
  ) => async (seconds = latencySeconds): Promise<Run> => {
    const total = Math.round(rate * seconds);
    const sentAt = new Float64Array(total);
    const latency = new Float64Array(total);
    const feed = await bed.feedConsumer(READER, filter, "new");
    const reader = await open(feed.consumer, total, (i) => {
      latency[i] = performance.now() - sentAt[i]!;
    });
    let failure: unknown;
    try {
      await settle(100); // let the first pull reach the server before the clock starts
      await steady(total, rate, sentAt, send, (e) => (failure ??= e));
      await within(reader.done, 60_000, `reading ${total} messages at ${rate}/s`);
      if (failure) throw failure;
      // What the reader kept up with: offered `rate`; below it, latency is mostly queueing.
      const lastAt = sentAt[total - 1]! + latency[total - 1]!;
      return { ...summariseLatency(latency), delivered: (total * 1000) / (lastAt - sentAt[0]!) };
    } finally {
      await reader.stop();
      await feed.remove();
    }
  };
  const raw = measure(() => pubJs.publish(frozen.subject, frozen.body), (c, t, seen) => rawReader(subNc, c, t, batch, seen));
  const limit = measure(() => {
    pubBus.identity.sign(frozen.signed);
    return pubJs.publish(frozen.subject, frozen.body);
  }, (c, t, seen) => rawReader(subNc, c, t, batch, seen, () => verifyOnce(frozen)));
  const schakel = measure(() => pubBus.publish("notice.posted", bed.notice, { to: READER }), (c, t, seen) => schakelReader(subBus, c, t, batch, seen));
  const sides: Side<Run>[] = [
    { name: "raw", run: () => raw(), warmup: () => raw(0.3) },
    { name: "limit", run: () => limit(), warmup: () => limit(0.3) },
    { name: "schakel", run: () => schakel(), warmup: () => schakel(0.3) },
  ];
  const ms = (x: number): string => x.toFixed(2);
  const results = await alternate("e2e latency", sides, rounds, (r) => `p50 ${ms(r.p50)} p99 ${ms(r.p99)} max ${ms(r.max)} ms`);
  await pubBus.close();
  await subBus.close();
  const pick = (k: keyof Run) => Object.fromEntries(Object.entries(results).map(([side, rs]) => [side, rs.map((r) => r[k])]));
  const name = (p: string) => `e2e latency ${p} at ${rate} msg/s for ${latencySeconds} s`;
  const behind = Object.entries(results)
    .map(([side, rs]) => [side, median(rs.map((r) => r.delivered))] as const)
    .filter(([, d]) => d < rate * 0.95)
    .map(([side, d]) => `${side} delivered ${Math.round(d)} msg/s`);
  const note = behind.length ? `below the offered ${rate} msg/s (${behind.join(", ")}): on this machine at this moment the reader could not keep up, so these latencies are mostly queueing` : undefined;
  return [
    makeFigure({ scenario: 3, id: "e2e-p50", name: name("p50"), unit: "ms", better: "lower", rounds: pick("p50") }),
    makeFigure({
      scenario: 3, id: "e2e-p99", name: name("p99"), unit: "ms", better: "lower", rounds: pick("p99"),
      target: { on: "ratio", op: "<=", value: 1.5, text: "≤ 1.5× raw" }, ...(note ? { note } : {}),
    }),
    makeFigure({ scenario: 3, id: "e2e-max", name: name("max"), unit: "ms", better: "lower", rounds: pick("max") }),
  ];
}
