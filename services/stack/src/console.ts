/**
 * The stack's coordinator console (HTTP API + web dashboard of `@schakel/console`), as the
 * platform, on 127.0.0.1 — it holds liaison keys, so it stays local.
 */
import { startConsole } from "@schakel/console";

export interface RunningConsole {
  url: string;
  stop(): Promise<void>;
}

/** Starts the console on `port` (0: a free one); its progress lines go to `onNote`. Throws when it cannot start. */
export async function startStackConsole(opts: { dataDir: string; url: string; port?: number; onNote?: (line: string) => void }): Promise<RunningConsole> {
  const started = await startConsole({
    dataDir: opts.dataDir, servers: [opts.url], host: "127.0.0.1", port: opts.port ?? 0,
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
  });
  return { url: started.url, stop: () => started.stop() };
}
