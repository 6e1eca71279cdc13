/**
 * The place where `schakel up` starts the coordinator console (HTTP API + web dashboard of
 * `@schakel/console`), as the platform, on 127.0.0.1 — it holds liaison keys, so it stays local.
 */
import { startConsole } from "@schakel/console";
import { color, note } from "../output.ts";

export interface RunningConsole {
  url: string;
  stop(): Promise<void>;
}

/** Starts the console on `port` (0: a free one). */
export async function startUpConsole(opts: { dataDir: string; url: string; port?: number }): Promise<RunningConsole> {
  const started = await startConsole({
    dataDir: opts.dataDir, servers: [opts.url], host: "127.0.0.1", port: opts.port ?? 0,
    onNote: (line) => note(color.dim(`console: ${line}`)),
  });
  return { url: started.url, stop: () => started.stop() };
}
