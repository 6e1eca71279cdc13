/**
 * `schakel up` as a child process: started with `--json`, ready when it prints its one-line
 * summary. Stopped like a user would (SIGINT = Ctrl-C) or killed like a crash (SIGKILL).
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import type { UpSummary } from "@schakel/cli";
import { exited, track } from "./children.ts";
import { childEnv, REPO_ROOT, SCHAKEL_BIN } from "./schakel.ts";

export type { UpSummary };

export interface UpProcess {
  summary: UpSummary;
  /** Wall-clock ms from spawn to the summary line. */
  wallMs: number;
  child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  /** Ctrl-C; resolves with the exit code. */
  interrupt(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Starts `schakel up --json <args>` and waits for its summary (or fails with its output). */
export async function startUp(args: string[], timeoutMs = 60_000): Promise<UpProcess> {
  const started = performance.now();
  const child = track(spawn(process.execPath, [SCHAKEL_BIN, "up", "--json", ...args], { cwd: REPO_ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] }));
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  const summary = await new Promise<UpSummary>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`schakel up was not ready within ${timeoutMs} ms\n${output()}`)), timeoutMs);
    child.stdout.on("data", (c) => {
      stdout += c;
      const nl = stdout.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout.slice(0, nl)) as UpSummary);
      } catch {
        reject(new Error(`schakel up printed no JSON summary\n${output()}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`schakel up exited (${code}) before it was ready\n${output()}`));
    });
  });
  const wallMs = performance.now() - started;
  return {
    summary, wallMs, child, output,
    async interrupt() {
      child.kill("SIGINT");
      return (await exited(child)).code;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited(child);
    },
  };
}
