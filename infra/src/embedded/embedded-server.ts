/**
 * The embedded nats-server of `schakel up`: one child process configured from the registry
 * (nkey users with their generated permissions, no anonymous access), its JetStream store, config,
 * pid and ports files and log all under the data folder, so a second `up` resumes on the same
 * store. The port is chosen by the server unless one is asked for: never assume 4222 is free.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { WriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Registry } from "@schakel/contracts";
import type { Identities } from "../identities.ts";
import { accountsBlockOf } from "../accounts.ts";
import { renderServerConfig, renderServerConfigAround } from "../server-config.ts";
import { findNatsServerBinary } from "./binary.ts";
import { privateAppendStream, privateDir } from "../private-files.ts";
import { writeWhole } from "../write-whole.ts";
import { clearLeftoverServer, type LeftoverOutcome } from "./leftover.ts";
import { cpuTicks, NotReadyError, waitUntilReady } from "./readiness.ts";

/** Where the embedded server keeps its files inside the data folder. */
export function embeddedPaths(dataDir: string) {
  const runDir = join(dataDir, "run");
  return {
    config: join(dataDir, "nats-server.conf"),
    storeDir: join(dataDir, "jetstream"),
    runDir,
    pidFile: join(runDir, "nats-server.pid"),
    logFile: join(dataDir, "logs", "nats-server.log"),
  };
}

export interface EmbeddedServerOptions {
  dataDir: string;
  registry: Registry;
  identities: Identities;
  /** Client port; 0 or -1 (default) lets the server pick a free one. */
  port?: number;
  /** Monitoring (HTTP) port; left out, the server picks a free one. A restart asks for the same one again. */
  monitorPort?: number;
  /**
   * Readiness timeout in ms (default {@link startTimeoutFor} the registry: loading hundreds of
   * accounts and recovering a large store take a while). Past it the wait goes on, up to four
   * times as long, while the server is still working (its CPU time or its log grows).
   */
  startTimeoutMs?: number;
  maxPayload?: number;
  /** Reports what was done about a server left running by an earlier run. */
  onLeftover?: (outcome: LeftoverOutcome) => void;
  /**
   * Keep the accounts block of the config file, when there is one (a restart): `schakel identities`
   * rewrites it while the server runs, and a restart must not undo that. Ports and store are
   * rendered from these options as always.
   */
  keepAccounts?: boolean;
}

/** The embedded server could not start: one line saying why; `serverOutput` holds its last lines. */
export class EmbeddedServerError extends Error {
  override name = "EmbeddedServerError";
  constructor(message: string, readonly serverOutput: string) {
    super(message);
  }
}

export interface EmbeddedServer {
  url: string;
  port: number;
  pid: number;
  monitorUrl: string | undefined;
  paths: ReturnType<typeof embeddedPaths>;
  readonly running: boolean;
  /** Resolves when the process has exited (also when it crashes on its own). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the server logged. */
  output(): string;
  /** SIGTERM (JetStream flushes its store), SIGKILL after `graceMs` (default 5 000). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Writes the config only when its text changed: at hundreds of organisations it is megabytes, and a
 * restart on the same registry (a second `up`, the supervisor's restart) would rewrite the same bytes.
 */
async function writeIfChanged(path: string, text: string): Promise<void> {
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current !== text) await writeWhole(path, text);
}

const MAX_LINES = 80;
/** Lines of the server's log quoted in a start failure. */
const QUOTED_LINES = 12;

/**
 * The readiness timeout for a registry: 15 s, plus 100 ms per organisation (each is an account
 * the server sets up before it listens: 75 s for 600), or `SCHAKEL_SERVER_START_TIMEOUT` seconds.
 */
export function startTimeoutFor(registry: Registry, env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SCHAKEL_SERVER_START_TIMEOUT);
  if (env.SCHAKEL_SERVER_START_TIMEOUT && Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return 15_000 + 100 * registry.organisations.length;
}

function explain(output: string, port: number): string {
  if (/address already in use/i.test(output)) return `port ${port} is already in use: choose another --port, or leave it out to let the server pick a free one`;
  const fatal = output.split("\n").reverse().find((l) => /\[(FTL|ERR)\]/.test(l));
  return fatal ? fatal.replace(/^.*\[(FTL|ERR)\]\s*/, "") : "it exited";
}

/**
 * Why the server did not start, what to do, and its last lines: a server that was still working
 * when the time was up is named as such (a large registry), one that wrote nothing says so rather
 * than showing an empty log.
 */
function startFailure(err: unknown, output: string, port: number, registry: Registry, logFile: string): string {
  const quoted = output ? `; its last lines:\n${output.split("\n").slice(-QUOTED_LINES).join("\n")}` : "; it wrote nothing to its log (it had not finished loading its configuration)";
  if (err instanceof NotReadyError) {
    const why = err.busy
      ? `it was still starting (busy loading its configuration of ${registry.organisations.length} organisations)`
      : "it stopped making progress";
    return `nats-server did not start: not ready within ${Math.round(err.waitedMs / 1000)} s, ${why}. ` +
      `Let it take longer with SCHAKEL_SERVER_START_TIMEOUT=<seconds>, or look at ${logFile}${quoted}`;
  }
  return `nats-server did not start: ${explain(output, port)} (log: ${logFile})${quoted}`;
}

/**
 * Starts nats-server for `dataDir` and resolves once it accepts clients.
 *
 * @throws NatsServerMissingError when no binary is installed; EmbeddedServerError (naming the
 * cause, e.g. a port in use, and quoting the server's last lines) when it does not come up.
 */
export async function startEmbeddedServer(opts: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const bin = findNatsServerBinary();
  const paths = embeddedPaths(opts.dataDir);
  await mkdir(paths.runDir, { recursive: true });
  privateDir(opts.dataDir);
  const leftover = await clearLeftoverServer(paths.pidFile, paths.config);
  opts.onLeftover?.(leftover);
  for (const f of await readdir(paths.runDir)) if (f.endsWith(".ports")) await rm(join(paths.runDir, f), { force: true });

  const requested = opts.port === undefined || opts.port === 0 ? -1 : opts.port; // nats-server reads 0 as 4222
  const settings = { port: requested, storeDir: paths.storeDir, portsFileDir: paths.runDir, httpPort: opts.monitorPort ?? -1, maxPayload: opts.maxPayload };
  const kept = opts.keepAccounts ? accountsBlockOf(await readFile(paths.config, "utf8").catch(() => "")) : undefined;
  await writeIfChanged(paths.config, kept ? renderServerConfigAround(kept, settings) : renderServerConfig(opts.registry, opts.identities, settings));

  const log: WriteStream = privateAppendStream(paths.logFile);
  const logClosed = new Promise<void>((resolve) => log.once("close", () => resolve()));
  const lines: string[] = [];
  let partial = "";
  let outputBytes = 0;
  const record = (chunk: Buffer): void => {
    log.write(chunk);
    outputBytes += chunk.length;
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts.filter((l) => l.trim()));
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
  };
  // Own process group: Ctrl-C reaches `up` only, which then stops services before the server.
  const child: ChildProcess = spawn(bin, ["-c", paths.config], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("error", (err) => {
      alive = false;
      lines.push(`cannot start ${bin}: ${err.message}`);
      log.end();
      resolve({ code: null, signal: null });
    });
    child.once("close", (code, signal) => {
      alive = false;
      log.end();
      resolve({ code, signal });
    });
  });
  child.stdout?.on("data", record);
  child.stderr?.on("data", record);
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const pid = child.pid ?? -1;
  if (pid > 0) await writeFile(paths.pidFile, `${pid}\n`);

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (alive) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    } else {
      await exited;
    }
    process.removeListener("exit", killOnExit);
    await rm(paths.pidFile, { force: true });
  };

  let ports;
  try {
    const progress = (): number => outputBytes + (cpuTicks(pid) ?? 0);
    ports = await waitUntilReady(paths.runDir, pid, () => alive, { timeoutMs: opts.startTimeoutMs ?? startTimeoutFor(opts.registry), progress });
  } catch (err) {
    // The lines up to the failure, not those of the stop that follows it.
    const output = [...lines, ...(partial.trim() ? [partial] : [])].join("\n");
    await stop(1_000);
    await logClosed; // every line is in the log file before anyone is sent to read it
    throw new EmbeddedServerError(startFailure(err, output, requested, opts.registry, paths.logFile), output);
  }
  const port = Number(new URL(ports.nats![0]!).port);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid,
    monitorUrl: ports.monitoring?.[0],
    paths,
    get running() {
      return alive;
    },
    exited,
    output: () => lines.join("\n"),
    stop,
  };
}
