/**
 * Replay pacing: `instant` sends as fast as the target takes them; `original` keeps the gaps
 * between the messages' storage times; `<factor>x` divides them (10x is ten times faster).
 * Each message is scheduled against the start of the replay, not after the previous one, so
 * timer lateness does not add up over a long replay.
 */
import { SchakelError } from "@schakel/contracts";

export type Pace = { kind: "instant" } | { kind: "paced"; factor: number };

/** Parses `instant`, `original` or `<factor>x` (e.g. `10x`, `0.5x`); throws SchakelError("schema"). */
export function parsePace(text: string): Pace {
  const t = text.trim().toLowerCase();
  if (t === "instant") return { kind: "instant" };
  if (t === "original" || t === "1x") return { kind: "paced", factor: 1 };
  const m = /^(\d+(?:\.\d+)?)x$/.exec(t);
  const factor = m ? Number(m[1]) : NaN;
  if (!(factor > 0) || factor > 1_000_000) {
    throw new SchakelError("schema", `--pace "${text}" is not instant, original or a speed-up like 10x (a factor above 0)`, { field: "pace" });
  }
  return { kind: "paced", factor };
}

/** Waits until each message's turn: call `turn(storedAtMs)` before sending it. */
export class Pacer {
  #first: number | undefined;
  #start = 0;
  constructor(readonly pace: Pace, private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {}

  async turn(storedAtMs: number): Promise<void> {
    if (this.pace.kind === "instant") return;
    if (this.#first === undefined) {
      this.#first = storedAtMs;
      this.#start = performance.now();
      return;
    }
    const due = this.#start + Math.max(0, storedAtMs - this.#first) / this.pace.factor;
    const wait = due - performance.now();
    if (wait > 0) await this.sleep(wait);
  }
}
