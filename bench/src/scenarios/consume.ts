/**
 * Scenario 2, consume throughput: Schakel `bus.consume` (parse + validate + verify + trace
 * extraction + handler + ack) against a raw pull consumer with ack and against the crypto limit
 * (raw plus one ed25519 verify per message on the event-loop thread, the single-core limit).
 * Schakel runs twice: with every signature verified on the event-loop thread (crypto workers off)
 * and with a backlog's signatures verified ahead in the crypto pool's worker threads (on, the
 * default). Every side reads the same signed messages through a fresh consumer created by the
 * admin in the reader's feed slot.
 */
import { cryptoWorkersFrom } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { freezeMessage, verifyOnce } from "../payload.ts";
import { pipelined } from "../pipeline.ts";
import { cpuNote, showThroughput, splitThroughput, stopwatch, type Throughput } from "../throughput.ts";
import { progress } from "../progress.ts";
import { makeFigure, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { rawReader, schakelReader, within, type Reader } from "./readers.ts";

const READER = AUDIENCE.consume;

export async function consumeScenario(bed: Bed): Promise<Figure[]> {
  const { consumeCount: n, window, batch, rounds } = bed.settings;
  const publisher = await bed.connectAs(SENDER);
  progress(`consume: storing ${n} signed messages`);
  await pipelined(n, window, () => publisher.publish("notice.posted", bed.notice, { to: READER }));
  const frozen = freezeMessage(publisher, bed.notice, READER);
  await publisher.close();

  const bus = await bed.connectAs(READER);
  const nc = await bed.rawAs(READER);
  const filter = bed.subject(READER);
  const timed = (open: (c: Parameters<typeof rawReader>[1], count: number) => Promise<Reader> | Reader) => async (count = n): Promise<Throughput> => {
    const feed = await bed.feedConsumer(READER, filter, "all");
    const sw = stopwatch();
    const reader = await open(feed.consumer, count);
    try {
      await within(reader.done, 120_000, `reading ${count} messages`);
      return sw.done(count);
    } finally {
      await reader.stop();
      await feed.remove();
    }
  };
  const none = (): void => {};
  const raw = timed((c, count) => rawReader(nc, c, count, batch, none));
  const limit = timed((c, count) => rawReader(nc, c, count, batch, none, () => verifyOnce(frozen)));
  const schakel = timed((c, count) => schakelReader(bus, c, count, batch, none, false));
  const pooled = timed((c, count) => schakelReader(bus, c, count, batch, none, true));
  const warm = Math.ceil(n / 4);
  const sides: Side<Throughput>[] = [
    { name: "raw", run: () => raw(), warmup: () => raw(warm) },
    { name: "limit", run: () => limit(), warmup: () => limit(warm) },
    { name: "schakel", run: () => schakel(), warmup: () => schakel(warm) },
    { name: "pool", run: () => pooled(), warmup: () => pooled(warm) },
  ];
  const { rounds: results, cpu } = splitThroughput(await alternate("consume", sides, rounds, showThroughput));
  await bus.close();
  const { pool, ...inline } = results;
  return [
    makeFigure({
      scenario: 2, id: "consume", name: `consume, pull batch ${batch}, ack, crypto workers off`, unit: "msg/s", better: "higher", rounds: inline,
      target: { on: "ratioToLimit", op: ">=", value: 0.85, text: "≥ 0.85× limit" },
      note: cpuNote(cpu), extra: { cpuUsRaw: cpu.raw!, cpuUsLimit: cpu.limit!, cpuUsSchakel: cpu.schakel! },
    }),
    makeFigure({
      scenario: 2, id: "consume-pool", name: `consume, pull batch ${batch}, ack, crypto workers on (${cryptoWorkersFrom()})`, unit: "msg/s", better: "higher",
      rounds: { raw: inline.raw!, limit: inline.limit!, schakel: pool! },
      target: { on: "ratioToLimit", op: ">=", value: 1.2, text: "≥ 1.2× limit" },
      extra: { cpuUsSchakel: cpu.pool! },
    }),
  ];
}
