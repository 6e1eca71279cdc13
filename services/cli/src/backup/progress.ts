/**
 * Progress of a backup or restore on stderr, per stream: on a terminal one line that updates as
 * the bytes come (at most every 100 ms), elsewhere one line per finished stream — so logs of a
 * nightly job stay short and stdout stays free for `--json`.
 */
import { note } from "../output.ts";

/** 1.4 MB, 820 kB, 96 B. */
export function byteSize(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} B`;
}

export type StreamProgress = (stream: string, bytes: number, done: boolean) => void;

/** A reporter for `verb` ("backup", "restore"). */
export function streamProgress(verb: string, tty = process.stderr.isTTY === true): StreamProgress {
  let shownAt = 0;
  return (stream, bytes, done) => {
    const line = `${verb} ${stream}: ${byteSize(bytes)}${done ? "" : " …"}`;
    if (!tty) {
      if (done) note(line);
      return;
    }
    const now = performance.now();
    if (!done && now - shownAt < 100) return;
    shownAt = now;
    process.stderr.write(`\r\x1b[2K${line}${done ? "\n" : ""}`);
  };
}
