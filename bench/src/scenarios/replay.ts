/**
 * Scenario 4, replay: `replay()` of @schakel/tracing over a window of N stored notices at instant
 * pace into a no-op handler (the in-process replay target) against a raw ordered consumer reading
 * the same range, and against the crypto limit (that reader plus one verify per message, which is
 * what a replay costs when it must verify messages it has not verified before, on one core).
 * Schakel replays twice: every signature verified on the event-loop thread (crypto workers off),
 * and the window's signatures verified ahead in the crypto pool's worker threads (on).
 */
import { DeliverPolicy } from "@nats-io/jetstream";
import { jetstream } from "@nats-io/jetstream";
import { STREAMS } from "@schakel/contracts";
import { cryptoWorkersFrom, leaseCryptoPool } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { fillStream } from "../fill.ts";
import { freezeMessage, verifyOnce } from "../payload.ts";
import { cpuNote, showThroughput, splitThroughput, stopwatch, type Throughput } from "../throughput.ts";
import { progress } from "../progress.ts";
import { makeFigure, unavailable, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { loadOptional } from "./optional.ts";
import { within } from "./readers.ts";

interface TracingReplay {
  connectOperator(o: { servers: string; seed: string }): Promise<{ close(): Promise<void> } & Record<string, unknown>>;
  replay(op: unknown, o: { verifyInWorkers?: boolean } & Record<string, unknown>): Promise<{ replayed: number; outcomes?: Record<string, number> }>;
}

const TO = AUDIENCE.replay;

export async function replayScenario(bed: Bed): Promise<Figure[]> {
  const n = bed.settings.replayCount;
  const base = { scenario: 4, id: "replay", name: `replay ${n.toLocaleString("en-US")} messages, instant pace`, unit: "msg/s", better: "higher" as const, target: { on: "ratio" as const, op: ">=" as const, value: 0.8, text: "≥ 0.8× raw" } };
  const tracing = await loadOptional<TracingReplay>("@schakel/tracing", ["replay", "connectOperator"]);
  const bus = await bed.connectAs(SENDER);
  const out = bus.prepare("notice.posted", bed.notice, { to: TO });
  const frozen = freezeMessage(bus, bed.notice, TO);
  const admin = await bed.server.admin();
  const jsm = await bed.server.jsm();
  // Distinct signed notices: copies of one would share its Nats-Msg-Id and be stored once.
  const copy = () => {
    const m = bus.prepare("notice.posted", bed.notice, { to: TO });
    return { subject: m.subject, data: m.body, headers: m.headers };
  };
  // A small window first, for the warm-up runs, then the measured one; windows are by storage time.
  const warmCount = Math.ceil(n / 5);
  const warm = { since: new Date(Date.now() - 1), until: new Date(0), count: warmCount };
  await fillStream(admin, jsm, STREAMS.coord.name, warmCount, copy, `replay: storing ${warmCount} messages for the warm-up`);
  warm.until = new Date(Date.now() + 1);
  await new Promise((r) => setTimeout(r, 5));
  const main = { since: new Date(Date.now() - 1), until: new Date(0), count: n };
  await fillStream(admin, jsm, STREAMS.coord.name, n, copy, `replay: storing ${n} signed messages`);
  main.until = new Date(Date.now() + 1);
  await bus.close();
  const js = jetstream(admin);

  type Window = typeof main;
  const rawRead = (work?: () => void) => async (w: Window = main): Promise<Throughput> => {
    const sw = stopwatch();
    // A string, not an array: one filter is what 2.9 understands (an array needs 2.10).
    const consumer = await js.consumers.get(STREAMS.coord.name, { filter_subjects: out.subject, deliver_policy: DeliverPolicy.StartTime, opt_start_time: w.since.toISOString() });
    const messages = await consumer.consume();
    let count = 0;
    await within((async () => {
      for await (const _m of messages) {
        work?.();
        if (++count === w.count) break;
      }
    })(), 300_000, `reading ${w.count} messages`);
    messages.stop();
    return sw.done(w.count);
  };
  const raw = rawRead();
  const limit = rawRead(() => verifyOnce(frozen));
  const sides: Side<Throughput>[] = [
    { name: "raw", run: () => raw(), warmup: () => raw(warm) },
    { name: "limit", run: () => limit(), warmup: () => limit(warm) },
  ];
  let reason: string | undefined = typeof tracing === "string" ? tracing : undefined;
  if (typeof tracing !== "string") {
    const op = await tracing.connectOperator({ servers: bed.server.url, seed: bed.server.identities.admin.seed });
    // Each replay leases the crypto pool for its run; held here, its workers stay up between the
    // rounds (as in a process that replays repeatedly) instead of starting again inside each one.
    const hold = leaseCryptoPool();
    const into = { handlers: { "notice.posted": () => {} }, directory: bed.server.directory };
    const replayWindow = (verifyInWorkers: boolean) => async (w: Window = main): Promise<Throughput> => {
      const sw = stopwatch();
      const select = { since: w.since, until: w.until, from: SENDER, typeGlob: "notice.posted" };
      const r = await within(tracing.replay(op, { select, into, pace: { kind: "instant" }, verifyInWorkers }), 300_000, `replaying ${w.count} messages`);
      if (r.replayed !== w.count || r.outcomes?.handled !== w.count) throw new Error(`replay handled ${r.outcomes?.handled} of ${w.count} messages (${r.replayed} replayed: ${JSON.stringify(r.outcomes ?? {})})`);
      return sw.done(w.count);
    };
    const inline = replayWindow(false);
    const pooled = replayWindow(true);
    sides.push({ name: "schakel", run: () => inline(), warmup: () => inline(warm) }, { name: "pool", run: () => pooled(), warmup: () => pooled(warm) });
    try {
      const { rounds: results, cpu } = splitThroughput(await alternate("replay", sides, bed.settings.replayRounds, showThroughput));
      const note = `median of ${bed.settings.replayRounds} rounds; replay into a no-op handler module verifies every message of a window (none came from the trace index); ${cpuNote(cpu)}`;
      const { pool, ...single } = results;
      return [
        makeFigure({ ...base, name: `${base.name}, crypto workers off`, rounds: single, note, extra: { cpuUsRaw: cpu.raw!, cpuUsLimit: cpu.limit!, cpuUsSchakel: cpu.schakel! } }),
        makeFigure({
          ...base, id: "replay-pool", name: `${base.name}, crypto workers on (${cryptoWorkersFrom()})`, rounds: { raw: single.raw!, limit: single.limit!, schakel: pool! },
          target: { on: "ratioToLimit", op: ">=", value: 1.2, text: "≥ 1.2× limit" }, extra: { cpuUsSchakel: cpu.pool! },
        }),
      ];
    } catch (err) {
      reason = `failed: ${(err as Error).message}`;
      progress(`replay ${reason}`);
    } finally {
      hold?.release();
      await op.close();
    }
  }
  const { rounds: results } = splitThroughput(await alternate("replay (raw only)", sides.filter((s) => s.name !== "schakel"), bed.settings.replayRounds, showThroughput));
  return [unavailable({ ...base, reason: reason!, raw: results.raw, limit: results.limit })];
}
