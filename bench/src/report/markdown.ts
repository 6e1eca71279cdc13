/**
 * The same figures as the plain table, as Markdown (for docs/BENCHMARKS.md): one row per figure,
 * the target verdict in words, the notes as a list under the table.
 */
import type { Figure } from "./figure.ts";

const num = (x: number | null, unit: string): string => {
  if (x === null) return "–";
  if (unit === "msg/s") return Math.round(x).toLocaleString("en-US");
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
};
const times = (x: number | null): string => (x === null ? "–" : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toPrecision(2)}×`);

export function renderMarkdown(figures: Figure[], header: string[]): string {
  const rows = figures.map((f) => {
    const verdict = !f.target ? "" : f.target.met === null ? `${f.target.text}: n/a` : `${f.target.text}: **${f.target.met ? "met" : "missed"}**`;
    const schakel = f.available ? num(f.schakel, f.unit) : `not available: ${f.reason ?? "unknown"}`;
    return `| ${f.scenario} | ${f.name} | ${f.unit} | ${num(f.raw, f.unit)} | ${num(f.limit, f.unit)} | ${schakel} | ${times(f.ratio)} | ${times(f.ratioToLimit)} | ${verdict} |`;
  });
  const notes = figures.filter((f) => f.note).map((f) => `- \`${f.id}\`: ${f.note}`);
  return [
    ...header.map((h) => `${h}  `),
    "",
    "| # | figure | unit | raw nats.js | crypto limit | Schakel | × raw | × limit | target |",
    "|---|---|---|---:|---:|---:|---:|---:|---|",
    ...rows,
    ...(notes.length ? ["", ...notes] : []),
    "",
  ].join("\n");
}
