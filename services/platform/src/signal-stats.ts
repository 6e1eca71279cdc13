/**
 * A picture of polarisation and tension: the signals the platform saw, counted per month, per
 * municipality and its province, by kind and by form of extremism. Metadata only: it reads the
 * platform's signal records (kind, forms, raiser, time), never a description and never case
 * data. A signal naming several forms counts once under each; one naming none under "none".
 */
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { PlatformStores } from "./stores.ts";
import { signalRecords, type TriageItem } from "./triage-records.ts";

export interface SignalStatsRow {
  /** Month of the broker's storage time, in UTC (`2026-12`). */
  month: string;
  municipality: string;
  /** From the registry's directory entry; "unknown" when it names none. */
  province: string;
  kind: TriageItem["kind"];
  /** A form of extremism, or "none". */
  form: string;
  count: number;
}

export interface SignalStats {
  from?: string;
  to?: string;
  total: number;
  rows: SignalStatsRow[];
  /** Totals per month, municipality, province, kind and form. */
  byMonth: Record<string, number>;
  byMunicipality: Record<string, number>;
  byProvince: Record<string, number>;
  byKind: Record<string, number>;
  byForm: Record<string, number>;
}

/** The province a directory entry names, or "unknown" (the field is optional in the registry). */
export function provinceOf(directory: KeyDirectory, org: string): string {
  return directory.organisation(org)?.province ?? "unknown";
}

const add = (m: Record<string, number>, k: string, n = 1) => void (m[k] = (m[k] ?? 0) + n);

/** Counts the signals stored between `from` (inclusive) and `to` (exclusive); all when absent. */
export function countSignals(items: readonly TriageItem[], directory: KeyDirectory, range: { from?: Date; to?: Date } = {}): SignalStats {
  const cells = new Map<string, SignalStatsRow>();
  const stats: SignalStats = {
    ...(range.from ? { from: range.from.toISOString() } : {}), ...(range.to ? { to: range.to.toISOString() } : {}),
    total: 0, rows: [], byMonth: {}, byMunicipality: {}, byProvince: {}, byKind: {}, byForm: {},
  };
  for (const s of items) {
    const at = Date.parse(s.raisedAt);
    if ((range.from && at < range.from.getTime()) || (range.to && at >= range.to.getTime())) continue;
    const month = s.raisedAt.slice(0, 7);
    const province = provinceOf(directory, s.raisedBy);
    stats.total++;
    add(stats.byMonth, month);
    add(stats.byMunicipality, s.raisedBy);
    add(stats.byProvince, province);
    add(stats.byKind, s.kind);
    const forms = s.extremismForms?.length ? s.extremismForms : ["none"];
    for (const form of forms) {
      add(stats.byForm, form);
      const key = [month, s.raisedBy, s.kind, form].join("|");
      const cell = cells.get(key) ?? { month, municipality: s.raisedBy, province, kind: s.kind, form, count: 0 };
      cell.count++;
      cells.set(key, cell);
    }
  }
  stats.rows = [...cells.values()].sort((a, b) => a.month.localeCompare(b.month) || a.municipality.localeCompare(b.municipality) || a.kind.localeCompare(b.kind) || a.form.localeCompare(b.form));
  return stats;
}

/** The picture from the platform's records (`stores` opened as the platform). */
export async function signalStats(stores: Pick<PlatformStores, "deliveries">, directory: KeyDirectory, range: { from?: Date; to?: Date } = {}): Promise<SignalStats> {
  return countSignals((await signalRecords(stores).list()).map((r) => r.value), directory, range);
}

/** The triage queue, newest first; `state` keeps the items in one of the given states. */
export async function triageQueue(stores: Pick<PlatformStores, "deliveries">, filter: { states?: readonly TriageItem["state"][]; all?: boolean } = {}): Promise<TriageItem[]> {
  return (await signalRecords(stores).list()).map((r) => r.value)
    .filter((i) => (filter.all || i.route === "platform") && (!filter.states || filter.states.includes(i.state)))
    .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
}
