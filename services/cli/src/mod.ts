/** What other packages use of the CLI: the shape of `schakel up --json`'s summary line. */
export type { UpSummary } from "./up/summary.ts";
