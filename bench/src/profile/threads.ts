/**
 * CPU per message of each thread of a Schakel consumption, with the crypto workers off and on
 * (rounds alternate), read from Linux's per-thread counters (/proc/self/task), and of the
 * nats-server that delivers to it (/proc/<pid>/stat). Throughput on shared cores swings with other
 * people's load; what the event-loop thread spends per message does not, and it bounds a
 * consumer's rate once its verifies run on another core. The sum of all three is what the two
 * cores of this machine must hold at a given rate.
 *
 *   tsx src/profile/threads.ts [rounds] [count]
 */
import { readdirSync, readFileSync } from "node:fs";
import { cryptoPoolStats } from "@schakel/contracts/bus";
import { AUDIENCE, SENDER, startBed } from "../bed.ts";
import { pipelined } from "../pipeline.ts";
import { progress } from "../progress.ts";
import { schakelReader } from "../scenarios/readers.ts";
import { QUICK } from "../settings.ts";
import { median } from "../stats.ts";

const rounds = Number(process.argv[2] ?? 5);
const count = Number(process.argv[3] ?? 5_000);

/** CPU µs (utime + stime, in clock ticks of 10 ms) of a /proc `stat` file: a thread's, or a whole process's. */
function cpuOfStat(path: string): number {
  const stat = readFileSync(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** CPU µs of the event-loop thread and of all other threads of this process. */
function threadCpu(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    const us = cpuOfStat(`/proc/self/task/${tid}/stat`);
    if (tid === String(process.pid)) main += us;
    else others += us;
  }
  return { main, others };
}

/** The last value of `xs` as a percentage. */
const pct = (xs: number[]): string => `${Math.round(100 * xs.at(-1)!)}%`;

const bed = await startBed(QUICK);
try {
  const bus = await bed.connectAs(SENDER);
  const reader = await bed.connectAs(AUDIENCE.consume);
  const serverStat = `/proc/${bed.server.server.pid}/stat`;
  const sides = () => ({ main: [] as number[], others: [] as number[], server: [] as number[], rate: [] as number[], byWorker: [] as number[], handed: [] as number[], chunk: [] as number[], readerFirst: [] as number[], met: [] as number[] });
  const seen = { off: sides(), on: sides() };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
      const feed = await bed.feedConsumer(AUDIENCE.consume, bed.subject(AUDIENCE.consume), "new");
      await pipelined(count, QUICK.window, () => bus.publish("notice.posted", bed.notice, { to: AUDIENCE.consume }));
      const before = { cpu: threadCpu(), server: cpuOfStat(serverStat), pool: cryptoPoolStats(), t: performance.now() };
      const rd = schakelReader(reader, feed.consumer, count, QUICK.batch, () => {}, side === "on");
      await rd.done;
      await rd.stop();
      const cpu = threadCpu();
      const server = cpuOfStat(serverStat);
      const s = seen[side];
      s.server.push((server - before.server) / count);
      s.main.push((cpu.main - before.cpu.main) / count);
      s.others.push((cpu.others - before.cpu.others) / count);
      s.rate.push((count * 1000) / (performance.now() - before.t));
      const pool = cryptoPoolStats();
      const chunks = pool.chunks - before.pool.chunks;
      s.byWorker.push((pool.verified - before.pool.verified) / count);
      s.handed.push((pool.handed - before.pool.handed) / count);
      s.chunk.push(chunks ? (pool.handed - before.pool.handed) / chunks : 0);
      s.readerFirst.push((pool.readerFirst - before.pool.readerFirst) / count);
      s.met.push((pool.met - before.pool.met) / count);
      await feed.remove();
      progress(`round ${r + 1}/${rounds} workers ${side}: event loop ${s.main.at(-1)!.toFixed(0)} µs, other threads ${s.others.at(-1)!.toFixed(0)} µs, nats-server ${s.server.at(-1)!.toFixed(0)} µs CPU per message, ${Math.round(s.rate.at(-1)!)}/s, ${pct(s.byWorker)} verified by a worker (${pct(s.handed)} handed in chunks of ${s.chunk.at(-1)!.toFixed(1)}, reader first on ${pct(s.readerFirst)}, met on ${pct(s.met)})`);
    }
  }
  const line = (side: "off" | "on") => {
    const s = seen[side];
    return `workers ${side.padEnd(3)}  event loop ${median(s.main).toFixed(0).padStart(4)} µs (min ${Math.min(...s.main).toFixed(0)})  other threads ${median(s.others).toFixed(0).padStart(4)} µs  nats-server ${median(s.server).toFixed(0).padStart(3)} µs  ${Math.round(median(s.rate))}/s  ${Math.round(100 * median(s.byWorker))}% verified by a worker, ${Math.round(100 * median(s.handed))}% handed, reader first on ${Math.round(100 * median(s.readerFirst))}%, met on ${Math.round(100 * median(s.met))}%`;
  };
  process.stdout.write(`CPU per consumed message by thread, median of ${rounds} rounds of ${count}\n${line("off")}\n${line("on")}\n`);
  await reader.close();
  await bus.close();
} finally {
  await bed.close();
}
