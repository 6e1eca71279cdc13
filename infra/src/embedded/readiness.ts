/**
 * Readiness of a freshly spawned nats-server: it writes `<exe>_<pid>.ports` into `ports_file_dir`
 * once its listeners are up (that is how we learn a randomly chosen port), and a well-formed
 * INFO banner on the client port proves that a NATS server, not any listener, owns it. A large
 * registry makes a long start: the wait goes on while the server is still working.
 */
import net from "node:net";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The ports file nats-server writes. */
export interface PortsFile {
  nats?: string[];
  monitoring?: string[];
}

/** Reads the ports file of `pid` in `dir`, or undefined while it is not (fully) written. */
export async function readPortsFile(dir: string, pid: number): Promise<PortsFile | undefined> {
  const name = (await readdir(dir).catch(() => [] as string[])).find((f) => f.endsWith(`_${pid}.ports`));
  if (!name) return undefined;
  try {
    return JSON.parse(await readFile(join(dir, name), "utf8")) as PortsFile;
  } catch {
    return undefined; // caught half-written: poll again
  }
}

/** Resolves when `host:port` answers with an INFO line; rejects on anything else. */
export function probeInfo(port: number, host = "127.0.0.1", timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    let buf = "";
    const done = (err?: Error): void => {
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no INFO from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on("error", (err) => done(err));
    socket.on("close", () => done(new Error(`${host}:${port} closed before INFO`)));
    socket.on("data", (chunk) => {
      buf += chunk.toString("utf8");
      const end = buf.indexOf("\r\n");
      if (end < 0) return;
      done(buf.startsWith("INFO ") ? undefined : new Error(`${host}:${port} is not a NATS server`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How much work the process `pid` has done so far: its CPU time in clock ticks (Linux /proc), or
 * undefined where that cannot be read. A server that is still loading a large configuration
 * writes nothing to its log, but its CPU time grows.
 */
export function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** How long a start may take, and what counts as still making progress past that. */
export interface ReadinessWait {
  /** The wait fails after this long unless the server is still making progress. */
  timeoutMs: number;
  /** Never wait longer than this, progress or not (default 4 × `timeoutMs`). */
  maxMs?: number;
  /** Grows while the server works (its log output, its CPU time): past `timeoutMs` the wait goes on while it grows. */
  progress?: () => number;
}

/** The server did not become ready in time; `busy` when it was still making progress at the end. */
export class NotReadyError extends Error {
  override name = "NotReadyError";
  constructor(message: string, readonly waitedMs: number, readonly busy: boolean) {
    super(message);
  }
}

/** Past the timeout, the progress is checked once per period (this, or a third of the timeout if less): no growth within one ends the wait. */
const PROGRESS_PERIOD_MS = 5_000;

/**
 * Polls until the server of `pid` has written its ports file and answers on its client port.
 * `alive()` lets the wait fail at once when the process exits during startup. Past `timeoutMs`
 * the wait continues while `progress()` keeps growing (a large configuration still loading),
 * up to `maxMs`.
 * @throws NotReadyError when the time is up; Error when the process exited.
 */
export async function waitUntilReady(dir: string, pid: number, alive: () => boolean, wait: ReadinessWait): Promise<PortsFile> {
  const started = Date.now();
  const hardDeadline = started + (wait.maxMs ?? 4 * wait.timeoutMs);
  let deadline = started + wait.timeoutMs;
  let seen = wait.progress?.() ?? 0;
  let busy = false;
  let lastError = "no ports file yet";
  for (;;) {
    if (Date.now() >= deadline) {
      const now = wait.progress?.() ?? seen;
      busy = now > seen;
      seen = now;
      if (!busy || Date.now() >= hardDeadline) break;
      deadline = Math.min(hardDeadline, Date.now() + Math.min(PROGRESS_PERIOD_MS, wait.timeoutMs / 3));
    }
    if (!alive()) throw new Error("nats-server exited during startup");
    const ports = await readPortsFile(dir, pid);
    const port = ports?.nats?.[0] ? Number(new URL(ports.nats[0]).port) : 0;
    if (ports && port) {
      try {
        await probeInfo(port);
        return ports;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    await sleep(25);
  }
  const waitedMs = Date.now() - started;
  throw new NotReadyError(`nats-server was not ready within ${Math.round(waitedMs / 1000)} s (${lastError})`, waitedMs, busy);
}
