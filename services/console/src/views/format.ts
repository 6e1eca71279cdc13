/**
 * Small formatting helpers shared by the pages: times, durations, counts, and the chips that
 * show an organisation with its level. Times are shown in the console machine's time zone
 * (the console is served to the same machine), with the exact ISO time in `datetime`.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { LaneLevel } from "../model/record.ts";

/** What the `html` tag returns; pages are built from these. */
export type Html = ReturnType<typeof html>;

const pad = (n: number) => String(n).padStart(2, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `19:21:03` today, `28 Nov 19:21:03` on other days (the year only when it is not this year). */
export function clock(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === today.toDateString()) return hms;
  const year = d.getFullYear() !== today.getFullYear() ? ` ${d.getFullYear()}` : "";
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year} ${hms}`;
}

/** A `<time>` element with the readable clock and the exact instant. */
export function time(ms: number | string | undefined): Html | string {
  if (ms === undefined) return "—";
  const value = typeof ms === "string" ? Date.parse(ms) : ms;
  if (Number.isNaN(value)) return String(ms);
  return html`<time datetime="${new Date(value).toISOString()}">${clock(value)}</time>`;
}

/** A duration for people: `850 ms`, `3.2 s`, `4 min 10 s`, `2 h 5 min`, `3 d 4 h`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.round(s / 60);
  if (m < 1_440) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
  const h = Math.round(m / 60);
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ""}`;
}

/** `12,345`. */
export const count = (n: number): string => n.toLocaleString("en-GB");

/** Human names of the levels. */
export const LEVEL_NAMES: Record<LaneLevel, string> = {
  local: "Local", flemish: "Flemish", federal: "Federal", supralocal: "Supralocal", all: "Everyone",
};

/** An organisation (or audience group) with its level colour; the full name on hover. */
export function orgChip(directory: KeyDirectory, id: string, level?: LaneLevel): Html {
  const org = directory.organisation(id);
  const lvl = level ?? ((org?.level ?? (id === "all" ? "all" : id)) as LaneLevel);
  const title = org ? `${org.name} (${LEVEL_NAMES[lvl] ?? lvl})` : id === "all" ? "every organisation" : `every ${id} organisation`;
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
