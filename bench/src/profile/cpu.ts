/**
 * Client CPU per message of Schakel's publish and consume alone, over several rounds against one
 * server: the figure to compare before and after a change to the hot paths. The scenarios'
 * rounds are short in the quick run and alternate with other sides; here every round is the same
 * work, and the minimum over rounds is the cost of the code (a busy machine only adds to it).
 *
 *   tsx src/profile/cpu.ts [rounds] [count] [publish|consume|both]
 */
import { AUDIENCE, SENDER, startBed } from "../bed.ts";
import { pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { schakelReader } from "../scenarios/readers.ts";
import { QUICK } from "../settings.ts";
import { median } from "../stats.ts";
import { cpuPerMessage } from "../throughput.ts";

const rounds = Number(process.argv[2] ?? 7);
const count = Number(process.argv[3] ?? 10_000);
const what = process.argv[4] ?? "both";

const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(SENDER);
  const reader = await bed.connectAs(AUDIENCE.consume);
  const publish = (to: string, n: number) => pipelined(n, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to }));
  await publish(AUDIENCE.footprint, 2_000); // JIT warm-up
  const pub: number[] = [];
  const con: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (what !== "consume") pub.push(await cpuPerMessage(count, () => publish(AUDIENCE.publish, count)));
    if (what === "publish") {
      progress(`round ${r + 1}/${rounds}: publish ${pub[r]!.toFixed(1)} µs CPU per message`);
      continue;
    }
    // The consume round reads what this round stored for its audience, through a fresh consumer.
    const feed = await bed.feedConsumer(AUDIENCE.consume, bed.subject(AUDIENCE.consume), "new");
    await publish(AUDIENCE.consume, count);
    con.push(await cpuPerMessage(count, async () => {
      const rd = schakelReader(reader, feed.consumer, count, QUICK.batch, () => {});
      await rd.done;
      await rd.stop();
    }));
    await feed.remove();
    progress(`round ${r + 1}/${rounds}: ${pub.length ? `publish ${pub[r]!.toFixed(1)} µs, ` : ""}consume ${con[r]!.toFixed(1)} µs CPU per message`);
  }
  const show = (xs: number[]) => (xs.length ? `min ${Math.min(...xs).toFixed(1)}  median ${median(xs).toFixed(1)}` : "not run");
  process.stdout.write(`client CPU µs per message, ${rounds} rounds of ${count}\npublish  ${show(pub)}\nconsume  ${show(con)}\n`);
  await reader.close();
  await bus.close();
} finally {
  await bed.close();
}
