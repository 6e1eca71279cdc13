/**
 * The figure line of a fault scenario: one line per scenario in the test output, e.g.
 * `faults: kill-restart-3x published=20000 acked=20000 lost=0 duplicates=0 time=21.4s`, so the
 * numbers a release relies on are visible in every CI log, not only pass/fail.
 */

export type Figures = Record<string, number | string>;

/** Formats the figure line of `scenario`. */
export function figureLine(scenario: string, figures: Figures): string {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(1) : v}`);
  return `faults: ${scenario} ${parts.join(" ")}`;
}

/** Prints the figure line (to stdout, which vitest shows per test) and returns it. */
export function reportFigures(scenario: string, figures: Figures): string {
  const line = figureLine(scenario, figures);
  console.log(line);
  return line;
}

/** Seconds since `startedMs` (performance.now()), with one decimal, for `time=`. */
export function secondsSince(startedMs: number): string {
  return `${((performance.now() - startedMs) / 1000).toFixed(1)}s`;
}
