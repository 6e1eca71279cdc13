/**
 * Who informs whom over a period: message counts per pair of levels and per pair of
 * organisations (sender → audience as addressed), and how fast recipients acknowledge notices
 * (p50/p95 of the time from the notice's storage to the acknowledgement's).
 */
import type { ReadModel } from "./read-model.ts";
import type { LaneLevel } from "./record.ts";
import { canSee, visibleRecipients, canSeeNotice, type Viewpoint } from "./visibility.ts";

export interface PairCount {
  from: string;
  to: string;
  count: number;
}

export interface Latency {
  /** Acknowledgements measured. */
  n: number;
  p50?: number;
  p95?: number;
}

export interface FlowStats {
  from: number;
  to: number;
  messages: number;
  levelPairs: PairCount[];
  orgPairs: PairCount[];
  /** Acknowledgement latency over notices posted in the period, overall and per recipient level / organisation. */
  ackLatency: Latency;
  ackLatencyByLevel: (Latency & { level: LaneLevel })[];
  ackLatencyByOrg: (Latency & { org: string })[];
}

/** Periods the flow map offers, in ms (undefined = everything). */
export const PERIODS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, all: undefined } as const;
export type Period = keyof typeof PERIODS;

/** The value below which `q` of the sorted values fall (nearest rank). */
export function percentile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function latencyOf(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const l: Latency = { n: sorted.length };
  const p50 = percentile(sorted, 0.5);
  const p95 = percentile(sorted, 0.95);
  if (p50 !== undefined) l.p50 = p50;
  if (p95 !== undefined) l.p95 = p95;
  return l;
}

function sortedPairs(m: Map<string, number>): PairCount[] {
  return [...m].map(([k, count]) => {
    const [from, to] = k.split("\u0000") as [string, string];
    return { from, to, count };
  }).sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function push<K>(m: Map<K, number[]>, key: K, value: number): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

/** Flow statistics for the messages stored in [from, to] that the viewpoint may see. */
export function flowStats(model: ReadModel, viewer: Viewpoint, range: { from?: number; to?: number } = {}): FlowStats {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Date.now();
  let earliest = Infinity;
  const levels = new Map<string, number>();
  const orgs = new Map<string, number>();
  let messages = 0;
  for (const r of model.records) {
    if (r.storedAt < from || r.storedAt > to || !canSee(viewer, r)) continue;
    messages++;
    if (r.storedAt < earliest) earliest = r.storedAt;
    const lk = `${r.senderLevel}\u0000${r.audienceLevel}`;
    levels.set(lk, (levels.get(lk) ?? 0) + 1);
    const ok = `${r.sender}\u0000${r.audience}`;
    orgs.set(ok, (orgs.get(ok) ?? 0) + 1);
  }
  const all: number[] = [];
  const byLevel = new Map<LaneLevel, number[]>();
  const byOrg = new Map<string, number[]>();
  for (const n of model.notices.list) {
    if (n.postedAt < from || n.postedAt > to || !canSeeNotice(viewer, n)) continue;
    for (const org of visibleRecipients(viewer, n)) {
      const at = n.receipts.get(org)?.acknowledgedAt;
      if (at === undefined) continue;
      const ms = Math.max(0, at - n.postedAt);
      all.push(ms);
      const level = (model.directory.organisation(org)?.level ?? "all") as LaneLevel;
      push(byLevel, level, ms);
      push(byOrg, org, ms);
    }
  }
  return {
    // "Everything" starts at the first message stored, not at the epoch.
    from: Number.isFinite(from) ? from : Number.isFinite(earliest) ? earliest : to, to, messages,
    levelPairs: sortedPairs(levels),
    orgPairs: sortedPairs(orgs),
    ackLatency: latencyOf(all),
    ackLatencyByLevel: [...byLevel].map(([level, v]) => ({ level, ...latencyOf(v) })).sort((a, b) => a.level.localeCompare(b.level)),
    ackLatencyByOrg: [...byOrg].map(([org, v]) => ({ org, ...latencyOf(v) })).sort((a, b) => (b.p95 ?? 0) - (a.p95 ?? 0)),
  };
}
