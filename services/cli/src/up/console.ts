/**
 * THE place where `schakel up` starts the coordinator console (HTTP API + web dashboard) of
 * `@schakel/console`, when that package exports `startConsole`. Until it does, `up` runs without
 * a console and says so in its summary.
 *
 * Expected contract: `startConsole({ dataDir, servers, host, port })` resolves with `{ url, stop() }`
 * (or `close()`); port 0 lets the system pick a free one.
 */
export interface RunningConsole {
  url: string;
  stop(): Promise<void>;
}

type StartConsole = (opts: { dataDir: string; servers: string[]; host: string; port: number }) => Promise<{ url: string; stop?: () => Promise<void>; close?: () => Promise<void> }>;

/** Starts the console, or resolves undefined (with the reason) when the package has none yet. */
export async function startConsoleIfAvailable(opts: { dataDir: string; url: string; port?: number }): Promise<RunningConsole | { unavailable: string }> {
  let mod: { startConsole?: StartConsole };
  const pkg = "@schakel/console"; // a variable: the package is built in parallel and may not export anything yet
  try {
    mod = (await import(pkg)) as { startConsole?: StartConsole };
  } catch (err) {
    return { unavailable: `@schakel/console could not be loaded (${(err as Error).message.split("\n")[0]})` };
  }
  if (typeof mod.startConsole !== "function") return { unavailable: "@schakel/console exports no startConsole yet" };
  const started = await mod.startConsole({ dataDir: opts.dataDir, servers: [opts.url], host: "127.0.0.1", port: opts.port ?? 0 });
  const stop = started.stop ?? started.close ?? (async () => {});
  return { url: started.url, stop: () => stop.call(started) };
}
