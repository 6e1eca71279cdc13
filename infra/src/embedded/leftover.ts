/**
 * A nats-server left running by an earlier `schakel up` that was killed before it could stop its
 * child. Its pid is in `<data>/run/nats-server.pid`; it still holds the JetStream store, so a new
 * server on the same store must not start next to it. We stop it only when the process really is
 * a nats-server started with *this* data folder's config: a recycled pid is left alone.
 */
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";

/** Whether a process with this pid exists (EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a process (Linux /proc), or undefined where it cannot be read. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `pid` is gone; true if it went within `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await sleep(50);
  }
  return !processAlive(pid);
}

/** What happened to a pid file found before starting. */
export type LeftoverOutcome =
  | { kind: "none" }
  | { kind: "stale"; pid: number }
  | { kind: "stopped"; pid: number }
  | { kind: "foreign"; pid: number; command: string };

/**
 * Handles the pid file of an earlier server: removes it when the process is gone, stops the
 * process (SIGTERM, then SIGKILL after 5 s) when it is our nats-server for `configPath`, and
 * reports a live process that is something else without touching it.
 */
export async function clearLeftoverServer(pidFile: string, configPath: string): Promise<LeftoverOutcome> {
  if (!existsSync(pidFile)) return { kind: "none" };
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 1 || !processAlive(pid)) {
    await rm(pidFile, { force: true });
    return Number.isInteger(pid) && pid > 1 ? { kind: "stale", pid } : { kind: "none" };
  }
  const command = commandLineOf(pid);
  if (!command || !command.includes("nats-server") || !command.includes(configPath)) {
    await rm(pidFile, { force: true });
    return { kind: "foreign", pid, command: command ?? "(unknown)" };
  }
  process.kill(pid, "SIGTERM");
  if (!(await waitForExit(pid, 5_000))) {
    process.kill(pid, "SIGKILL");
    await waitForExit(pid, 2_000);
  }
  await rm(pidFile, { force: true });
  return { kind: "stopped", pid };
}
