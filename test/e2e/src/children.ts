/**
 * Every child process an end-to-end test starts (schakel up, service processes) is tracked here,
 * so `killChildren()` in afterAll — and the process exit hook, if a test run dies — leaves nothing
 * running.
 */
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/** Tracks `child` until it exits. */
export function track<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** SIGKILLs every tracked child and waits for them to go. */
export async function killChildren(): Promise<void> {
  const all = [...live];
  for (const c of all) c.kill("SIGKILL");
  await Promise.all(all.map(exited));
}

/** Whether a pid is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
