/**
 * Alternation: every round runs each side once, the order reversed every other round
 * (A B C, C B A, A B C…), so that drift on a shared machine (other jobs, thermal, a growing
 * stream) falls on every side alike. One unmeasured warm-up run per side comes first (JIT,
 * connection buffers, server caches).
 */
import { progress } from "./progress.ts";

export interface Side<R> {
  name: string;
  /** One measured run. */
  run(): Promise<R>;
  /** One unmeasured run before round 1 (default: `run`). */
  warmup?(): Promise<unknown>;
}

/** Runs every side `rounds` times in alternating order; returns each side's results in run order. */
export async function alternate<R>(label: string, sides: Side<R>[], rounds: number, show: (r: R) => string): Promise<Record<string, R[]>> {
  const results: Record<string, R[]> = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (const side of sides) {
    await (side.warmup ? side.warmup() : side.run());
    await settle();
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    const line: string[] = [];
    for (const side of order) {
      const r = await side.run();
      results[side.name]!.push(r);
      line.push(`${side.name} ${show(r)}`);
      await settle();
    }
    progress(`${label} round ${round + 1}/${rounds}: ${line.join(", ")}`);
  }
  return results;
}

/** A short pause between runs so acks, deletes and GC of one side do not land on the next. */
export function settle(ms = 150): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
