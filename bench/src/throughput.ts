/**
 * Throughput with its CPU bill: messages per second (wall clock) and the client process's CPU
 * time per message (user + system, every thread, the libuv threadpool included). On shared cores
 * the rate swings with other people's load; CPU per message hardly does, so it says what a
 * side costs, and the note under the table gives it for every side.
 */
import { median } from "./stats.ts";

export interface Throughput {
  rate: number;
  cpuUs: number;
}

/** Starts timing; `done(count)` gives the rate and CPU µs per message since the start. */
export function stopwatch(): { done(count: number): Throughput } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return {
    done(count) {
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      return { rate: (count * 1000) / ms, cpuUs: (c.user + c.system) / count };
    },
  };
}

/** CPU µs (user + system, all threads) per message of `fn` over `n` messages. */
export async function cpuPerMessage(n: number, fn: () => Promise<void>): Promise<number> {
  const watch = stopwatch();
  await fn();
  return watch.done(n).cpuUs;
}

/** Rates per side for makeFigure, plus the median CPU µs per message per side for extra/notes. */
export function splitThroughput(results: Record<string, Throughput[]>): { rounds: Record<string, number[]>; cpu: Record<string, number> } {
  const rounds: Record<string, number[]> = {};
  const cpu: Record<string, number> = {};
  for (const [side, rs] of Object.entries(results)) {
    rounds[side] = rs.map((r) => r.rate);
    cpu[side] = median(rs.map((r) => r.cpuUs));
  }
  return { rounds, cpu };
}

/** "client CPU per message: raw 41 µs, limit 102 µs, schakel 130 µs". */
export function cpuNote(cpu: Record<string, number>): string {
  return `client CPU per message: ${Object.entries(cpu).map(([side, us]) => `${side} ${us.toFixed(0)} µs`).join(", ")}`;
}

/** "12,345/s (41 µs CPU)" for progress lines. */
export const showThroughput = (r: Throughput): string => `${Math.round(r.rate)}/s (${r.cpuUs.toFixed(0)} µs CPU)`;
