/**
 * The `schakel` command as a user runs it: its own process through the real bin (tsx loader, no
 * build), NO_COLOR, stdout and stderr collected as they come, so a scenario can wait for a line,
 * send Ctrl-C and read the exit code.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "@schakel/harness";

const BIN = fileURLToPath(new URL("../../../services/cli/bin/schakel.mjs", import.meta.url));

export interface CliProcess {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (or -1 when killed by a signal). */
  readonly exited: Promise<number>;
  /** Waits until `what` holds for the output so far; fails naming `label` and showing stderr. */
  until(what: (p: CliProcess) => boolean, label: string, timeoutMs?: number): Promise<void>;
  /** Ctrl-C. */
  interrupt(): void;
  kill(): void;
}

/** Starts `schakel ...args` (NATS_URL of the caller left out). */
export function startCli(args: string[]): CliProcess {
  const { NATS_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  const handle: CliProcess = {
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    exited,
    async until(what, label, timeoutMs = 30_000) {
      await waitFor(() => what(handle), { timeoutMs, intervalMs: 50, what: label })
        .catch((err: Error) => { throw new Error(`${err.message}\nstderr:\n${stderr}\nstdout:\n${stdout}`); });
    },
    interrupt: () => void child.kill("SIGINT"),
    kill: () => void child.kill("SIGKILL"),
  };
  return handle;
}
