/**
 * The stack's coordinator console (HTTP API + web dashboard of `@schakel/console`), as the
 * platform, on 127.0.0.1 — it holds liaison keys, so it stays local. It listens on a stable port
 * (8480 unless told otherwise), so an open browser tab finds it again after a restart; when that
 * port is taken it says so and takes a free one. It signs people in through the stack's identity
 * provider (`signIn`), which learns the console's redirect URI once it listens.
 */
import { startConsole, type ConsoleOptions } from "@schakel/console";
import type { CredentialsSource, KeyDirectory } from "@schakel/contracts/bus";

/**
 * The console's port when none is given: stable across restarts. 8480 is not assigned to a common
 * service (IANA lists it as unassigned) and clashes with none of the usual development servers
 * (3000, 5173, 8000, 8080, 8443, 8888, 9090).
 */
export const DEFAULT_CONSOLE_PORT = 8480;

export interface RunningConsole {
  url: string;
  /** The bus reachable and the existing record read into the dashboard (for the health server). */
  readiness(): { ready: boolean; reason?: string };
  stop(): Promise<void>;
}

const portTaken = (err: unknown): boolean => ((err as Error)?.cause as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";

/**
 * Starts the console on `port` (default DEFAULT_CONSOLE_PORT; 0: a free one). When that port is
 * taken it says so through `onNote` and listens on a free one instead. Its progress lines go to
 * `onNote`. Throws when it cannot start.
 */
export async function startStackConsole(opts: {
  dataDir: string; url: string | string[]; port?: number; onNote?: (line: string) => void; signIn?: ConsoleOptions["signIn"];
  /**
   * An organisation's own console (`schakel run --console`): its credentials only, reading the bus
   * as it; followed (its credentials file), so a rotation of its key is taken up.
   */
  organisation?: { org: string; credentials: CredentialsSource; directory: KeyDirectory };
}): Promise<RunningConsole> {
  const own = opts.organisation;
  const start = (port: number) => startConsole({
    dataDir: opts.dataDir, servers: [opts.url].flat(), host: "127.0.0.1", port,
    ...(own ? { readAs: own.org, credentialSources: new Map([[own.org, own.credentials]]), directory: own.directory } : {}),
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
    ...(opts.signIn ? { signIn: opts.signIn } : {}),
  });
  const wanted = opts.port ?? DEFAULT_CONSOLE_PORT;
  let started;
  try {
    started = await start(wanted);
  } catch (err) {
    if (wanted === 0 || !portTaken(err)) throw err;
    started = await start(0);
    (opts.onNote ?? ((line: string) => process.stderr.write(`console: ${line}\n`)))(`port ${wanted} is taken: listening on a free port instead, ${started.url}`);
  }
  const running = started;
  let caughtUp = false;
  void running.caughtUp.then(() => (caughtUp = true), () => undefined);
  return {
    url: running.url,
    readiness: () => (running.busStatus.down ? { ready: false, reason: "cannot reach the bus (retrying)" }
      : caughtUp ? { ready: true } : { ready: false, reason: "reading the existing record into the dashboard" }),
    stop: () => running.stop(),
  };
}
