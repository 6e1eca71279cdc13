/**
 * Running `schakel` in tests: in this process through the same program and error mapping as the
 * binary (fast, for many cases), or as a child process through the real bin (exit codes and
 * output exactly as a user sees them).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";
import { buildProgram, exitCodeOf } from "../../src/program.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the program in-process, capturing stdout and stderr. */
export async function runInProcess(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const se = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  let code: number;
  try {
    await buildProgram().parseAsync(["node", "schakel", ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    code = exitCodeOf(e);
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(""), stderr: err.join("") };
}

export const BIN = fileURLToPath(new URL("../../bin/schakel.mjs", import.meta.url));

/** A `schakel` child process still running: its output so far, and its end. */
export interface RunningCli {
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts the real `schakel` binary as a child process (NO_COLOR, no NATS_URL/SCHAKEL_DATA from the caller). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): RunningCli {
  const { NATS_URL: _ignored, SCHAKEL_DATA: _data, ...base } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"], ...(cwd ? { cwd } : {}) });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return { stdout: () => stdout, stderr: () => stderr, done, kill: (signal = "SIGTERM") => void child.kill(signal) };
}

/** Runs the real `schakel` binary as a child process to its end. */
export function runBinary(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliResult> {
  return spawnCli(args, env, cwd).done;
}
