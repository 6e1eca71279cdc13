/**
 * The human report: one row per figure (raw, crypto limit, Schakel, the two ratios, the target
 * and whether it is met), then the notes that say what bounds a figure or why it is missing.
 */
import type { Figure } from "./figure.ts";

function value(x: number | null, unit: string): string {
  if (x === null) return "–";
  if (unit === "msg/s") return `${Math.round(x).toLocaleString("en-US")}`;
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

// Ratios far from 1 (an index against a scan) keep two significant digits instead of turning into 0.00×.
const times = (x: number | null): string => (x === null ? "–" : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toPrecision(2)}×`);

function verdict(f: Figure): string {
  if (!f.target) return "";
  if (f.target.met === null) return "n/a";
  return f.target.met ? "met" : "MISSED";
}

/** Renders figures as an aligned plain-text table with notes below. */
export function renderTable(figures: Figure[], header: string[]): string {
  const head = ["#", "figure", "unit", "raw", "crypto limit", "Schakel", "× raw", "× limit", "target", ""];
  const rows = figures.map((f) =>
    f.available
      ? [String(f.scenario), f.name, f.unit, value(f.raw, f.unit), value(f.limit, f.unit), value(f.schakel, f.unit), times(f.ratio), times(f.ratioToLimit), f.target?.text ?? "", verdict(f)]
      : [String(f.scenario), f.name, f.unit, value(f.raw, f.unit), "", `not available: ${f.reason ?? "unknown"}`, "", "", f.target?.text ?? "", f.target ? "n/a" : ""],
  );
  // A "not available" reason can be long; it does not widen its column, the row just runs on.
  const width = head.map((h, i) => Math.max(h.length, ...rows.filter((r) => !r[5]!.startsWith("not available")).map((r) => r[i]!.length), ...rows.map((r) => (i === 5 ? 0 : r[i]!.length))));
  const right = new Set([3, 4, 5, 6, 7]);
  const line = (cells: string[]): string =>
    cells.map((c, i) => (c.startsWith("not available") ? c : right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join("  ").trimEnd();
  const out = [...header, "", line(head), width.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.id}: ${f.note}`);
  if (notes.length) out.push("", "Notes:", ...notes);
  return out.join("\n") + "\n";
}
