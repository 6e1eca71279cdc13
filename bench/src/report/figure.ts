/**
 * One reported figure: Schakel, raw nats.js and (where it applies) the crypto limit, each the
 * median of its rounds in the same run, with the two ratios and the target verdict. A scenario
 * that cannot run yet is a figure with `available: false` and the reason, never a made-up value.
 */
import { median, ratio, sig3 } from "../stats.ts";

export type Better = "higher" | "lower";

/** A target on one ratio: `ratio` is Schakel/raw, `ratioToLimit` is Schakel/crypto limit. */
export interface Target {
  on: "ratio" | "ratioToLimit" | "schakel";
  /** Throughputs must reach at least, latencies and sizes stay at most, `value`. */
  op: ">=" | "<=";
  value: number;
  text: string;
}

export interface Figure {
  scenario: number;
  id: string;
  name: string;
  unit: string;
  better: Better;
  available: boolean;
  /** Why the figure is missing (available: false). */
  reason?: string;
  schakel: number | null;
  raw: number | null;
  limit: number | null;
  ratio: number | null;
  ratioToLimit: number | null;
  target: (Target & { met: boolean | null }) | null;
  /** What bounds the figure, measured; printed under the table. */
  note?: string;
  /** Every round's value per side, in the order measured. */
  rounds: Record<string, number[]>;
  /** Side figures that are shown next to the main ones (e.g. the stretch publisher). */
  extra?: Record<string, number>;
}

export interface FigureInput {
  scenario: number;
  id: string;
  name: string;
  unit: string;
  better: Better;
  rounds: { raw?: number[]; limit?: number[]; schakel?: number[]; [side: string]: number[] | undefined };
  target?: Target;
  note?: string;
  extra?: Record<string, number>;
}

const med = (v: number[] | undefined): number | null => (v && v.length ? median(v) : null);
const round3 = (x: number | null): number | null => (x === null ? null : sig3(x));

/** Medians, ratios and the target verdict from the rounds of each side. */
export function makeFigure(f: FigureInput): Figure {
  const schakel = med(f.rounds.schakel);
  const raw = med(f.rounds.raw);
  const limit = med(f.rounds.limit);
  const r = ratio(schakel, raw);
  const rl = ratio(schakel, limit);
  const rounds = Object.fromEntries(Object.entries(f.rounds).filter(([, v]) => v?.length).map(([k, v]) => [k, v!.map(sig3)]));
  let target: Figure["target"] = null;
  if (f.target) {
    const value = f.target.on === "ratio" ? r : f.target.on === "ratioToLimit" ? rl : schakel;
    const met = value === null ? null : f.target.op === ">=" ? value >= f.target.value : value <= f.target.value;
    target = { ...f.target, met };
  }
  return {
    scenario: f.scenario, id: f.id, name: f.name, unit: f.unit, better: f.better, available: schakel !== null || raw !== null,
    schakel: round3(schakel), raw: round3(raw), limit: round3(limit), ratio: round3(r), ratioToLimit: round3(rl),
    target, rounds, ...(f.note ? { note: f.note } : {}), ...(f.extra ? { extra: Object.fromEntries(Object.entries(f.extra).map(([k, v]) => [k, sig3(v)])) } : {}),
  };
}

/** A figure that could not be measured, with the reason (printed as "not available: <why>"). */
export function unavailable(f: Omit<FigureInput, "rounds"> & { reason: string; raw?: number[]; limit?: number[] }): Figure {
  const fig = makeFigure({ ...f, rounds: { ...(f.raw ? { raw: f.raw } : {}), ...(f.limit ? { limit: f.limit } : {}) } });
  return { ...fig, available: false, reason: f.reason, target: f.target ? { ...f.target, met: null } : null };
}
