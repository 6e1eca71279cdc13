/**
 * `status --watch`: a new round every interval until Ctrl-C (exit 0). On a terminal each round
 * replaces the screen; elsewhere (a log, a pipe) rounds follow each other, and with `--json` each
 * is one line. A round that cannot read the bus shows that instead and the watch goes on: the
 * operator connection reconnects by itself, and the next round shows the bus again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { unreachableReason } from "../bus-wait.ts";
import { color } from "../output.ts";
import { safeJson } from "../safe-text.ts";
import type { StatusReport } from "./judge.ts";
import { renderStatus } from "./render.ts";

export interface WatchOptions {
  intervalMs: number;
  url: string;
  json: boolean;
  all: boolean;
  /** Closes the connection: called on Ctrl-C, so a round waiting for the bus ends at once. */
  close(): Promise<void>;
}

const CLEAR = "\x1b[H\x1b[2J";

function frame(text: string): void {
  process.stdout.write(process.stdout.isTTY ? `${CLEAR}${text}\n` : `${text}\n\n`);
}

export async function watchStatus(round: () => Promise<StatusReport>, opts: WatchOptions): Promise<void> {
  const stop = new AbortController();
  const onSignal = (): void => {
    stop.abort();
    void opts.close();
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    while (!stop.signal.aborted) {
      try {
        const report = await round();
        if (stop.signal.aborted) break;
        if (opts.json) process.stdout.write(safeJson(report) + "\n");
        else frame(`${renderStatus(report, { all: opts.all })}\n${color.dim(`every ${opts.intervalMs / 1000}s; Ctrl-C to stop`)}`);
      } catch (err) {
        if (stop.signal.aborted) break;
        const why = unreachableReason(err)?.kind === "unreachable" ? "cannot reach the bus" : "cannot read the bus";
        const line = `${why} at ${opts.url} (${(err as Error).message}); trying again in ${opts.intervalMs / 1000}s`;
        if (opts.json) process.stdout.write(safeJson({ at: new Date().toISOString(), url: opts.url, health: "unreachable", reasons: [line] }) + "\n");
        else frame(color.red(line));
      }
      await sleep(opts.intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
}
