/**
 * Small formatting helpers shared by the pages: times, durations, counts, and the chips that
 * show an organisation with its level, in the language of the request. Times are shown with
 * their date in Belgian time (Europe/Brussels) with the offset, and the exact instant in ISO
 * form in `datetime`.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { LaneLevel } from "../model/record.ts";

/** What the `html` tag returns; pages are built from these. */
export type Html = ReturnType<typeof html>;

/** Every time on the console is shown in Belgian time, whatever the machine's own zone. */
export const TIME_ZONE = "Europe/Brussels";

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(tag: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag}|${JSON.stringify(opts)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(tag, { timeZone: TIME_ZONE, ...opts })));
  return f;
}
/** The offset of Belgian time at `ms`: `+01:00` in winter, `+02:00` in summer. */
export function offsetAt(ms: number): string {
  const name = formatOf("en", { timeZoneName: "longOffset" }).formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  return name === "GMT" ? "+00:00" : name.slice(3);
}

/** `6 Dec 2026, 10:57:17 UTC+01:00` (`6 dec 2026`, `6 déc. 2026` in Dutch and French). */
export function clock(ms: number, t: Messages): string {
  const when = formatOf(t.tag, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(ms);
  return `${when} UTC${offsetAt(ms)}`;
}

/** A `<time>` element: the readable Belgian time, the exact instant (ISO 8601, UTC) in `datetime`. */
export function time(ms: number | string | undefined, t: Messages): Html | string {
  if (ms === undefined) return "—";
  const value = typeof ms === "string" ? Date.parse(ms) : ms;
  if (Number.isNaN(value)) return String(ms);
  return html`<time datetime="${new Date(value).toISOString()}" title="${TIME_ZONE}">${clock(value, t)}</time>`;
}

/** A duration for people: `850 ms`, `3.2 s`, `4 min 10 s`, `2 h 5 min`, `3 d 4 h` (units in the language). */
export function duration(ms: number | undefined, t: Messages): string {
  if (ms === undefined) return "—";
  const u = t.units;
  if (ms < 1_000) return `${Math.round(ms)} ${u.ms}`;
  if (ms < 60_000) return `${(ms / 1_000).toLocaleString(t.tag, { maximumFractionDigits: ms < 10_000 ? 1 : 0 })} ${u.s}`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)} ${u.min}${s % 60 ? ` ${s % 60} ${u.s}` : ""}`;
  const m = Math.round(s / 60);
  if (m < 1_440) return `${Math.floor(m / 60)} ${u.h}${m % 60 ? ` ${m % 60} ${u.min}` : ""}`;
  const h = Math.round(m / 60);
  return `${Math.floor(h / 24)} ${u.d}${h % 24 ? ` ${h % 24} ${u.h}` : ""}`;
}

/** `12,345` / `12.345` / `12 345`. */
export const count = (n: number, t: Messages): string => n.toLocaleString(t.tag);

/** The name of a level (or the audience group `all`) in the language. */
export const levelName = (t: Messages, level: string): string => (t.levels as Record<string, string>)[level] ?? level;

/** An organisation (or audience group) with its level colour; the full name on hover. */
export function orgChip(t: Messages, directory: KeyDirectory, id: string, level?: LaneLevel): Html {
  const org = directory.organisation(id);
  const lvl = level ?? ((org?.level ?? (id === "all" ? "all" : id)) as LaneLevel);
  const title = org ? `${org.name} (${levelName(t, lvl)})` : id === "all" ? t.common.everyOrg : t.common.everyOrgOf(levelName(t, id));
  return html`<span class="chip lvl-${lvl}" title="${title}">${id}</span>`;
}

/** A message type as a small label, coloured by family (notice, signal…). */
export function typeBadge(type: string): Html {
  return html`<span class="type type-${type.split(".")[0]}">${type}</span>`;
}

/** Query string from the set values of `params`. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
