/**
 * How much each scenario does, in the full and the quick run. Counts are chosen so that one
 * round of the slowest side lasts a few seconds in the full run (long enough to average out
 * timer and GC noise) and the whole quick run stays well under two minutes on 2 shared cores.
 */
export interface Settings {
  quick: boolean;
  /** Measured rounds per scenario; each round runs every side once, order alternating. */
  rounds: number;
  /** Publishes in flight at most (same for every side). */
  window: number;
  /** Messages pulled per request by every consumer (the bus default). */
  batch: number;
  publishCount: number;
  consumeCount: number;
  latencyRate: number;
  latencySeconds: number;
  replayCount: number;
  /** Replay verifies every message of a window: 100,000 take minutes a round, so fewer rounds. */
  replayRounds: number;
  traceSmall: number;
  traceLarge: number;
  traceSize: number;
  consoleNotices: number;
  /** The console's large store: its first page and RSS there against `consoleNotices`. */
  consoleLarge: number;
  footprintIdleSeconds: number;
  footprintLoadSeconds: number;
}

export const FULL: Settings = {
  quick: false,
  rounds: 5,
  window: 256,
  batch: 100,
  publishCount: 20_000,
  consumeCount: 20_000,
  latencyRate: 2_000,
  latencySeconds: 10,
  replayCount: 100_000,
  replayRounds: 3,
  traceSmall: 1_000,
  traceLarge: 1_000_000,
  traceSize: 20,
  consoleNotices: 10_000,
  consoleLarge: 1_000_000,
  footprintIdleSeconds: 3,
  footprintLoadSeconds: 8,
};

/** The reduced run: same shapes, smaller counts, 3 rounds (the minimum for a median). */
export const QUICK: Settings = {
  ...FULL,
  quick: true,
  rounds: 3,
  publishCount: 2_000,
  consumeCount: 1_500,
  latencySeconds: 1,
  replayCount: 1_500,
  traceLarge: 50_000,
  // The console keeps 10,000 messages in memory: both stores fill that window, the large one
  // reads five times as many past it.
  consoleNotices: 10_000,
  consoleLarge: 50_000,
  footprintIdleSeconds: 0.5,
  footprintLoadSeconds: 1,
};

/** Settings for a run, with an explicit --rounds taking precedence. */
export function settingsFor(opts: { quick?: boolean; rounds?: number }): Settings {
  const base = opts.quick ? QUICK : FULL;
  return opts.rounds ? { ...base, rounds: Math.max(3, opts.rounds) } : base;
}
