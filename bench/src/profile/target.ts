/**
 * The profiling target: only Schakel's hot paths, so that a CPU profile is not diluted by the raw
 * sides. Run it under `node --cpu-prof` (see `npm run profile -w @schakel/bench`), then read the
 * profile with summarise.ts.
 *
 *   tsx src/profile/target.ts [publish|consume|both] [count]
 */
import { AUDIENCE, SENDER, startBed } from "../bed.ts";
import { perSecond, pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { schakelReader } from "../scenarios/readers.ts";
import { QUICK } from "../settings.ts";

const what = process.argv[2] ?? "both";
const count = Number(process.argv[3] ?? 20_000);
const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(SENDER);
  if (what === "publish" || what === "both") {
    const t0 = performance.now();
    await pipelined(count, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to: AUDIENCE.publish }));
    progress(`publish: ${Math.round(perSecond(count, performance.now() - t0))} msg/s`);
  }
  if (what === "consume" || what === "both") {
    await pipelined(count, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to: AUDIENCE.consume }));
    const reader = await bed.connectAs(AUDIENCE.consume);
    const feed = await bed.feedConsumer(AUDIENCE.consume, bed.subject(AUDIENCE.consume), "all");
    const t0 = performance.now();
    const r = schakelReader(reader, feed.consumer, count, QUICK.batch, () => {});
    await r.done;
    progress(`consume: ${Math.round(perSecond(count, performance.now() - t0))} msg/s`);
    await r.stop();
  }
} finally {
  await bed.close();
}
