/**
 * The feed's time window, as it appears in the URL so a view can be bookmarked: `since=1h|24h|7d|all`
 * (relative to now), or `from` and/or `to` (a moment in Belgian time as a form's `datetime-local`
 * gives it, `2026-12-06T10:00`, or any ISO time with an offset). An explicit `from`/`to` wins
 * over `since`. Values that do not parse are dropped, as the other feed filters do.
 */
export const SINCE = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, all: undefined } as const;
export type Since = keyof typeof SINCE;
export const SINCE_CHOICES = Object.keys(SINCE) as Since[];

export interface TimeWindow {
  since?: Since;
  /** `from`/`to` as given (for the form), and as instants. */
  fromText?: string;
  toText?: string;
  from?: number;
  to?: number;
}

const ZONE = "Europe/Brussels";
// Made at first use: a formatter with a time zone pages in ICU's zone and locale data (several
// MB of resident memory), which a process that never reads a window should not carry.
let offsetFormat: Intl.DateTimeFormat | undefined;

function offsetMsAt(ms: number): number {
  offsetFormat ??= new Intl.DateTimeFormat("en", { timeZone: ZONE, timeZoneName: "longOffset" });
  const name = offsetFormat.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
}

/**
 * A moment typed without a zone (`YYYY-MM-DDTHH:mm[:ss]`) read as Belgian time, or an ISO time
 * with its own offset; NaN when it is neither.
 */
export function parseBelgianTime(value: string): number {
  const local = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!local) return /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value.trim()) ? Date.parse(value) : Number.NaN;
  const [, y, mo, d, h, mi, s] = local;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  // The offset depends on the instant; a second pass settles the days the clocks change.
  const first = asUtc - offsetMsAt(asUtc);
  return asUtc - offsetMsAt(first);
}

/** The window asked for in a query (`since`, `from`, `to`); empty when none is given. */
export function timeWindowOf(q: Record<string, string | undefined>): TimeWindow {
  const w: TimeWindow = {};
  const from = q.from ? parseBelgianTime(q.from) : Number.NaN;
  const to = q.to ? parseBelgianTime(q.to) : Number.NaN;
  if (!Number.isNaN(from)) Object.assign(w, { from, fromText: q.from });
  if (!Number.isNaN(to)) Object.assign(w, { to, toText: q.to });
  if (w.from === undefined && w.to === undefined && q.since && q.since in SINCE) w.since = q.since as Since;
  return w;
}

/** The window as instants at `now` (`since` becomes a `from`). */
export function boundsOf(w: TimeWindow, now = Date.now()): { from?: number; to?: number } {
  const span = w.since ? SINCE[w.since] : undefined;
  const from = w.from ?? (span !== undefined ? now - span : undefined);
  return { ...(from !== undefined ? { from } : {}), ...(w.to !== undefined ? { to: w.to } : {}) };
}

/** Whether new messages can still fall in the window (no end, or an end still to come). */
export const isOpenEnded = (w: TimeWindow, now = Date.now()): boolean => w.to === undefined || w.to > now;
