/**
 * How `schakel up` starts hundreds of organisations: never more than the limit at once, in all
 * of them when nothing fails, nothing new after the first failure (the starts under way are
 * settled, so the caller can stop every one that started), and a progress line only on a terminal.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { startBounded } from "@schakel/stack";
import { progressLine } from "../src/up/progress.ts";

/** A start that takes a few event-loop turns, counting how many run at the same time. */
function countingStart(fail?: (n: number) => boolean) {
  const state = { running: 0, most: 0, begun: [] as number[] };
  const start = async (n: number): Promise<number> => {
    state.begun.push(n);
    state.running++;
    state.most = Math.max(state.most, state.running);
    try {
      for (let i = 0; i < 1 + (n % 4); i++) await new Promise((r) => setImmediate(r));
      if (fail?.(n)) throw new Error(`organisation ${n} failed to start`);
      return n * 10;
    } finally {
      state.running--;
    }
  };
  return { state, start };
}

const items = Array.from({ length: 100 }, (_, i) => i);

describe("up - bounded start", () => {
  it("up - bounded start never runs more than the limit at once and starts every item, in order, reporting progress", async () => {
    const { state, start } = countingStart();
    const progress: [number, number][] = [];
    const result = await startBounded(items, start, { limit: 7, onProgress: (done, total) => progress.push([done, total]) });
    expect(state.most).toBe(7);
    expect(result.failure).toBeUndefined();
    expect(result.started.map((s) => s.value)).toEqual(items.map((n) => n * 10));
    expect(progress).toHaveLength(100);
    expect(progress.at(-1)).toEqual([100, 100]);
  });

  it("up - bounded start stops starting after the first failure and returns the ones that started with it", async () => {
    const { state, start } = countingStart((n) => n === 20);
    const result = await startBounded(items, start, { limit: 5, onProgress: () => {} });
    expect(state.most).toBeLessThanOrEqual(5);
    expect(state.running).toBe(0); // every start under way was settled before the result
    expect(result.failure?.item).toBe(20);
    expect((result.failure?.error as Error).message).toBe("organisation 20 failed to start");
    expect(Math.max(...state.begun)).toBeLessThan(20 + 5); // at most the ones already under way went on
    expect(state.begun.length).toBeLessThan(items.length);
    expect(result.started.map((s) => s.item)).toEqual(state.begun.filter((n) => n !== 20).sort((a, b) => a - b));
  });

  it("up - bounded start with a limit below one still starts, one at a time", async () => {
    const { state, start } = countingStart();
    const result = await startBounded(items.slice(0, 5), start, { limit: 0 });
    expect(state.most).toBe(1);
    expect(result.started).toHaveLength(5);
  });

  it("up - the progress line is drawn on a terminal and cleared, and nothing is written with --json or off a terminal", () => {
    const written = (tty: boolean, json: boolean): string => {
      const stream = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.WriteStream;
      let text = "";
      (stream as unknown as PassThrough).on("data", (c: Buffer) => (text += c.toString()));
      const line = progressLine("starting services", { json, stream });
      line.update(600, 600);
      line.end();
      (stream as unknown as PassThrough).end();
      return text;
    };
    expect(written(true, false)).toBe("\rstarting services 600/600\x1b[K\r\x1b[K");
    expect(written(false, false)).toBe("");
    expect(written(true, true)).toBe("");
  });
});
