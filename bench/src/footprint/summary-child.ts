/**
 * A `schakel` child process that says it is ready by printing a one-line JSON summary on stdout
 * (`up --json`, `run --json`): spawned once, its stderr tail kept for errors, its summary line
 * awaited with a time limit. Shared by the footprint and organisation-count scenarios.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface SummaryChild {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** The last 3,000 characters it wrote to stderr. */
  stderr(): string;
}

/** Spawns `node <args>` with stdout and stderr piped. */
export function spawnSummaryChild(args: string[]): SummaryChild {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-3_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return { child, exited, stderr: () => stderr };
}

/** The first line the child prints; rejects naming `what` when it takes longer than `timeoutMs` or the child exits first. */
export function summaryLine(c: SummaryChild, what: string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} printed no summary within ${timeoutMs / 1000} s; stderr: ${c.stderr().trim().slice(-500)}`)), timeoutMs);
    c.child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    void c.exited.then(() => reject(new Error(`${what} exited (${c.child.exitCode ?? c.child.signalCode}) before it was ready: ${c.stderr().trim().slice(-500)}`)));
  });
}

/** Stops the child with `signal`, and with SIGKILL when it is still there after `graceMs`. */
export async function stopSummaryChild(c: SummaryChild, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill(signal);
  const timer = setTimeout(() => c.child.kill("SIGKILL"), graceMs);
  await c.exited;
  clearTimeout(timer);
}
