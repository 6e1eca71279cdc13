/**
 * The few statistics the suite reports: medians of rounds, percentiles of latency samples, and
 * ratios that stay null when either side is missing (a missing figure is never shown as 0).
 */

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an already sorted list. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no values");
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** p50, p99 and max of latency samples in ms. */
export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function summariseLatency(samples: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const list = Array.from(sorted);
  return { p50: percentileSorted(list, 50), p99: percentileSorted(list, 99), max: list[list.length - 1]!, count: list.length };
}

/** a / b, or null when either is unknown or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || b === 0) return null;
  return a / b;
}

/** Rounds for display and JSON: 3 significant digits is all that noisy shared machines support. */
export function sig3(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(3));
}
