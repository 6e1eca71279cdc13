/**
 * A progress line for long starts (`starting services 120/600`), rewritten in place on stderr
 * while it is a terminal. With `--json`, or when stderr is a file or a pipe, nothing is written:
 * logs and scripts get the summary, not a counter.
 */

export interface ProgressLine {
  /** Shows `done` of `total`. */
  update(done: number, total: number): void;
  /** Clears the line (the summary follows). */
  end(): void;
}

const SILENT: ProgressLine = { update() {}, end() {} };
/** At most this often the line is rewritten, so a fast start does not flood the terminal. */
const REDRAW_MS = 100;

/** A progress line labelled `what`, or one that writes nothing when `json` or stderr is not a terminal. */
export function progressLine(what: string, opts: { json?: boolean; stream?: NodeJS.WriteStream } = {}): ProgressLine {
  const stream = opts.stream ?? process.stderr;
  if (opts.json || !stream.isTTY) return SILENT;
  let shown = false;
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done < total && now - last < REDRAW_MS) return;
      last = now;
      shown = true;
      stream.write(`\r${what} ${done}/${total}\x1b[K`);
    },
    end() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
