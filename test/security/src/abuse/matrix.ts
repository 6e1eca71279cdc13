/**
 * Running the matrix: each row resets A's observed connection, runs the attempt, waits until the
 * broker has answered everything, and records what happened and how many bytes of B's secret
 * reached A. A row that throws counts as denied, with the error as its outcome.
 */
import type { Attack } from "./attacks.ts";
import type { Legitimate } from "./legitimate.ts";
import { printLine, type MatrixRow } from "./report.ts";
import type { World } from "./world.ts";

export class Matrix {
  readonly rows: MatrixRow[] = [];
  constructor(readonly w: World) {}

  async run(area: string, attempt: string, expected: MatrixRow["expected"], fn: () => Promise<{ denied: boolean; how: string }>): Promise<MatrixRow> {
    const w = this.w;
    await w.probe.reset();
    let outcome: { denied: boolean; how: string };
    try {
      outcome = await fn();
    } catch (err) {
      outcome = { denied: true, how: `threw: ${(err as Error).message.slice(0, 80)}` };
    }
    await w.probe.settled();
    const row: MatrixRow = { area, attempt, expected, how: outcome.how, leakedBytes: w.probe.leakedBytes(w.secret), passed: expected === "denied" ? outcome.denied : !outcome.denied };
    if (expected === "denied" && row.leakedBytes > 0) row.passed = false;
    this.rows.push(row);
    console.log(printLine(this.rows.length - 1, row));
    return row;
  }

  /** Every attack, expected denied; returns the rows that failed. */
  async attacks(attacks: readonly Attack[]): Promise<MatrixRow[]> {
    const from = this.rows.length;
    for (const a of attacks) await this.run(a.area, a.attempt(this.w), "denied", () => a.run(this.w));
    return this.rows.slice(from).filter((r) => !r.passed);
  }

  /** Every legitimate path, expected to work; returns the rows that failed. */
  async legitimate(paths: readonly Legitimate[]): Promise<MatrixRow[]> {
    const from = this.rows.length;
    for (const l of paths) await this.run(l.area, l.attempt(this.w), "works", () => l.run(this.w));
    return this.rows.slice(from).filter((r) => !r.passed);
  }
}
