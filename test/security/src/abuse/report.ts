/**
 * The abuse matrix as printed lines (one per path) and as the markdown table published in
 * docs/SECURITY.md between two markers; the test fails when the published table is stale.
 */
import { readFile, writeFile } from "node:fs/promises";

export interface MatrixRow {
  area: string;
  attempt: string;
  /** What must happen: an attack is denied, a legitimate path of A's works. */
  expected: "denied" | "works";
  passed: boolean;
  how: string;
  /** Bytes containing B's secret that reached A during the attempt. */
  leakedBytes: number;
}

/** The two markers around a published table. */
export interface TableMarkers {
  begin: string;
  end: string;
}

/** A at the hub. */
export const HUB_TABLE: TableMarkers = {
  begin: "<!-- BEGIN abuse matrix (written by test/security/test/abuse-matrix.test.ts) -->",
  end: "<!-- END abuse matrix -->",
};

/** A at its own leaf. */
export const LEAF_TABLE: TableMarkers = {
  begin: "<!-- BEGIN leaf abuse matrix (written by test/security/test/leaf-abuse-matrix.test.ts) -->",
  end: "<!-- END leaf abuse matrix -->",
};

export function printLine(i: number, r: MatrixRow): string {
  const verdict = r.passed ? (r.expected === "denied" ? "DENIED" : "WORKS ") : "FAILED";
  return `${String(i + 1).padStart(2)} ${verdict} ${r.area.padEnd(18)} ${r.attempt} → ${r.how} [B bytes: ${r.leakedBytes}]`;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/`/g, "'");

export function markdownTable(rows: readonly MatrixRow[], attacker: string, victim: string, markers: TableMarkers = HUB_TABLE, where = ""): string {
  const head = [
    `A = \`${attacker}\`, B = \`${victim}\` (both local: A legitimately reads \`coord.local.>\` and \`coord.all.>\`). Each row is run with A's real credentials${where}.`,
    "",
    "| # | area | A tries to … | expected | result | bytes of B's data A received |",
    "|---|---|---|---|---|---|",
  ];
  const lines = rows.map((r, i) => `| ${i + 1} | ${cell(r.area)} | ${cell(r.attempt)} | ${r.expected} | ${r.passed ? "" : "**FAILED** "}${cell(r.how)} | ${r.leakedBytes} |`);
  return [markers.begin, ...head, ...lines, markers.end].join("\n");
}

/** The table as published in a document, or undefined when the markers are missing. */
export async function publishedTable(path: string, markers: TableMarkers = HUB_TABLE): Promise<string | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const start = text.indexOf(markers.begin);
  const end = text.indexOf(markers.end);
  return start >= 0 && end > start ? text.slice(start, end + markers.end.length) : undefined;
}

export async function writeTable(path: string, table: string): Promise<void> {
  await writeFile(path, table + "\n");
}
