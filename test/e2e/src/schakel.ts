/**
 * The `schakel` command as a user runs it: the workspace's bin, in a child process, with the data
 * folder of the test and no NATS_URL or colours from the caller's environment.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { track } from "./children.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SCHAKEL_BIN = fileURLToPath(new URL("../../../node_modules/.bin/schakel", import.meta.url));

/** The environment of every child: NO_COLOR, no NATS_URL/SCHAKEL_DATA inherited. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NATS_URL: _u, SCHAKEL_DATA: _d, FORCE_COLOR: _f, ...base } = process.env;
  return { ...base, NO_COLOR: "1", ...extra };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `schakel <args>` to completion. */
export function schakel(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [SCHAKEL_BIN, ...args], { cwd: REPO_ROOT, env: childEnv(opts.env), stdio: ["ignore", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    // Generous: on a shared 2-core machine a CLI process can take long to start; the test timeout rules.
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 110_000);
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs a `--json` command that must succeed and parses its output. */
export async function schakelJson<T>(args: string[]): Promise<T> {
  const r = await schakel([...args, "--json"]);
  if (r.code !== 0) throw new Error(`schakel ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** `schakel feed --json` (NDJSON) as a list of items. */
export async function feedItems<T = FeedItemLike>(dataDir: string, org: string, extra: string[] = []): Promise<T[]> {
  const r = await schakel(["feed", "--data", dataDir, "--as", org, "--json", ...extra]);
  if (r.code !== 0) throw new Error(`schakel feed exited ${r.code}: ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);
}

/** The fields of a feed item the tests read. */
export interface FeedItemLike {
  seq: number;
  storedAt: string;
  type: string;
  sender: string;
  audience: string;
  id?: string;
  causationId?: string;
  correlationId?: string;
  traceId?: string;
  data?: any;
  refused?: { reason: string; detail: string };
}
