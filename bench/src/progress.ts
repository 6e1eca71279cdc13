/**
 * Progress for long phases. Everything goes to stderr so that stdout carries only the table (or,
 * with --json, only the JSON document).
 */
const started = performance.now();

/** One timestamped line on stderr, unless the run is silenced. */
export function progress(line: string): void {
  if (silent) return;
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${s}s] ${line}\n`);
}

let silent = false;

/** Silences progress (for tests of the suite itself). */
export function setSilent(value: boolean): void {
  silent = value;
}

/** Seconds since the suite started. */
export function elapsedSeconds(): number {
  return (performance.now() - started) / 1000;
}
