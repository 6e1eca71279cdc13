/**
 * Dead letters on a terminal: the list as a table (sequence, time, refusing organisation, reason,
 * original subject, detail), one dead letter with its headers and the original's envelope
 * metadata, and what a re-drive did. Text from the record goes through `safeText`: its detail and
 * subject were written by whoever sent the refused message.
 */
import { color, readableTime as time } from "../output.ts";
import { safeText } from "../safe-text.ts";
import type { RedriveResult } from "./redrive.ts";
import type { DeadLetter, EnvelopeMetadata } from "./records.ts";

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The table of `list`; "no dead letters" when empty. */
export function renderDeadLetterList(rows: DeadLetter[]): string {
  if (rows.length === 0) return "no dead letters";
  const cells = rows.map((d) => [String(d.seq), time(d.storedAt), d.organisation, d.reason, safeText(d.source.subject ?? "—"), safeText(cut(d.detail, 100))]);
  const head = ["seq", "time", "organisation", "reason", "subject", "detail"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [color.bold(line(head)), ...cells.map(line), color.dim(`${rows.length} dead letter${rows.length === 1 ? "" : "s"}`)].join("\n");
}

/** What `show` prints: the record, its headers, the original's envelope metadata. */
export interface DeadLetterView {
  deadLetter: DeadLetter;
  headers: [string, string][];
  envelope: EnvelopeMetadata | null;
  /** Why there is no envelope metadata (the bytes are no JSON envelope). */
  unreadable?: string;
}

export function renderDeadLetter(v: DeadLetterView): string {
  const d = v.deadLetter;
  const lines = [
    `${color.bold(`dead letter #${d.seq}`)} stored ${time(d.storedAt)}, refused by ${d.organisation}${d.consumer ? ` (${d.consumer})` : ""} as ${color.red(d.reason)}`,
    `detail: ${safeText(d.detail)}`,
    `original: ${safeText(d.source.subject ?? "—")} (${d.source.stream ?? "?"} #${d.source.seq ?? "?"}), ${d.bytes} bytes`,
    "headers:",
    ...v.headers.map(([k, val]) => `  ${safeText(k)}: ${safeText(cut(val, 200))}`),
  ];
  if (v.envelope) lines.push("envelope (data not shown):", ...Object.entries(v.envelope).map(([k, val]) => `  ${k}: ${safeText(String(val))}`));
  else lines.push(`envelope: ${v.unreadable ?? "none"}`);
  return lines.join("\n");
}

/** One line per dead letter of a re-drive. */
export function renderRedrive(results: RedriveResult[]): string {
  return results.map((r) => {
    const what = `#${r.seq} ${safeText(r.subject ?? "—")} (${r.reason}, ${r.organisation})`;
    if (r.redriven) return `${color.green("re-driven")} ${what} → ${r.stored!.stream} #${r.stored!.seq}${r.with !== undefined ? ` (with #${r.with})` : ""}`;
    return `${color.red("not re-driven")} ${what}: ${r.refusal!.reason} — ${safeText(r.refusal!.detail)}`;
  }).join("\n");
}
