/**
 * The profiling target: only Schakel's hot paths, each phase recorded on its own (record.ts),
 * then summarised (summarise.ts). Setup runs outside the recording.
 *
 *   tsx src/profile/target.ts <out dir> [publish|consume|both] [count]
 */
import { AUDIENCE, SENDER, startBed } from "../bed.ts";
import { perSecond, pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { schakelReader } from "../scenarios/readers.ts";
import { QUICK } from "../settings.ts";
import { recordProfile } from "./record.ts";

const [dir = "profiles", what = "both", n = "20000"] = process.argv.slice(2);
const count = Number(n);
const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(SENDER);
  const publish = (to: string) => pipelined(count, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to }));
  await pipelined(2_000, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to: AUDIENCE.footprint })); // JIT warm-up
  if (what === "publish" || what === "both") {
    const t0 = performance.now();
    await recordProfile(dir, "publish", () => publish(AUDIENCE.publish));
    progress(`publish: ${Math.round(perSecond(count, performance.now() - t0))} msg/s (profiled)`);
  }
  if (what === "consume" || what === "both") {
    await publish(AUDIENCE.consume);
    const reader = await bed.connectAs(AUDIENCE.consume);
    const feed = await bed.feedConsumer(AUDIENCE.consume, bed.subject(AUDIENCE.consume), "all");
    const t0 = performance.now();
    await recordProfile(dir, "consume", async () => {
      const r = schakelReader(reader, feed.consumer, count, QUICK.batch, () => {});
      await r.done;
      await r.stop();
    });
    progress(`consume: ${Math.round(perSecond(count, performance.now() - t0))} msg/s (profiled)`);
  }
} finally {
  await bed.close();
}
