/**
 * Scenario 1, publish throughput: Schakel `bus.publish` (validate + envelope + sign + trace
 * headers + JetStream ack) against raw `js.publish` of the same ~1 KB bytes and against the
 * crypto limit (raw plus one ed25519 sign per message), all through the same bounded window.
 * Stretch: the bus's own publisher (acks pipelined on one reply subscription) sending the raw
 * bytes, against `js.publish`.
 */
import { jetstream } from "@nats-io/jetstream";
import { inboxPrefix } from "@schakel/contracts";
import { AckPipeline } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, type Bed } from "../bed.ts";
import { freezeMessage } from "../payload.ts";
import { pipelined } from "../pipeline.ts";
import { makeFigure, type Figure } from "../report/figure.ts";
import { alternate, type Side } from "../rounds.ts";
import { cpuNote, showThroughput, splitThroughput, stopwatch, type Throughput } from "../throughput.ts";
import { within } from "./readers.ts";

export async function publishScenario(bed: Bed): Promise<Figure[]> {
  const { publishCount: n, window, rounds } = bed.settings;
  const to = AUDIENCE.publish;
  const bus = await bed.connectAs(SENDER);
  const js = jetstream(await bed.rawAs(SENDER), { timeout: 5_000 });
  const frozen = freezeMessage(bus, bed.notice, to);
  const rawNc = await bed.rawAs(SENDER);
  const pipe = new AckPipeline(rawNc, { inboxPrefix: inboxPrefix(SENDER) });

  const timed = (send: () => Promise<unknown>) => async (count = n): Promise<Throughput> => {
    const sw = stopwatch();
    await within(pipelined(count, window, send), 120_000, "publishing");
    return sw.done(count);
  };
  const raw = timed(() => js.publish(frozen.subject, frozen.body));
  const limit = timed(() => {
    bus.identity.sign(frozen.signed);
    return js.publish(frozen.subject, frozen.body);
  });
  const schakel = timed(() => bus.publish("notice.posted", bed.notice, { to }));
  const onePipe = timed(() => pipe.publish(frozen.subject, frozen.body));
  const warm = Math.ceil(n / 4);
  const sides: Side<Throughput>[] = [
    { name: "raw", run: () => raw(), warmup: () => raw(warm) },
    { name: "limit", run: () => limit(), warmup: () => limit(warm) },
    { name: "schakel", run: () => schakel(), warmup: () => schakel(warm) },
    { name: "pipelined", run: () => onePipe(), warmup: () => onePipe(warm) },
  ];
  const { rounds: results, cpu } = splitThroughput(await alternate("publish", sides, rounds, showThroughput));
  pipe.close();
  await bus.close();
  return [
    makeFigure({
      scenario: 1, id: "publish", name: `publish, window ${window}, 1 KB`, unit: "msg/s", better: "higher", rounds: { raw: results.raw!, limit: results.limit!, schakel: results.schakel! },
      target: { on: "ratioToLimit", op: ">=", value: 0.85, text: "≥ 0.85× limit" },
      note: cpuNote({ raw: cpu.raw!, limit: cpu.limit!, schakel: cpu.schakel! }), extra: { cpuUsRaw: cpu.raw!, cpuUsLimit: cpu.limit!, cpuUsSchakel: cpu.schakel! },
    }),
    makeFigure({
      scenario: 1, id: "publish-ack-pipeline", name: "stretch: same raw bytes, acks on one reply subscription", unit: "msg/s", better: "higher",
      rounds: { raw: results.raw!, schakel: results.pipelined! },
      extra: { cpuUsRaw: cpu.raw!, cpuUsSchakel: cpu.pipelined! },
      note: "Schakel column = the bus's AckPipeline (one reply subscription, one timeout sweep) publishing the raw bytes, no envelope or signature; raw = js.publish. Bus.send uses this publisher",
    }),
  ];
}
