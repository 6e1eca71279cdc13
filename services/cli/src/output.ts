/**
 * Output for people and scripts: `--json` prints one JSON document on stdout, otherwise text.
 * Colours come from picocolors, which honours NO_COLOR and non-TTY output.
 */
import pc from "picocolors";
import { safeJson } from "./safe-text.ts";

export const color = pc;

export interface OutputOptions {
  json?: boolean;
}

/**
 * Prints `value` as JSON with --json, else the human text produced by `human` (which shows message
 * text through `safeText`, safe-text.ts; the JSON is made terminal-safe here).
 */
export function emit<T>(opts: OutputOptions, value: T, human: (v: T) => string): void {
  if (opts.json) process.stdout.write(safeJson(value, 2) + "\n");
  else process.stdout.write(human(value) + "\n");
}

/** A stored time for people: `2026-12-06 10:00:00Z` (no fraction of a second). */
export const readableTime = (iso: string): string => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");

/** A line on stderr (progress, warnings); never on stdout, so --json stays parseable. */
export function note(line: string): void {
  process.stderr.write(line + "\n");
}
