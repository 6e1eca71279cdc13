/**
 * A level service as its own process, through its entry point
 * (`tsx services/<level>/src/main.ts --org … --data … --server …`): ready when it logs "ready".
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { exited, track } from "./children.ts";
import { childEnv, REPO_ROOT } from "./schakel.ts";

export interface ServiceProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

/** Starts `services/<level>/src/main.ts` with the given organisations (or `--all`). */
export async function startServiceProcess(level: "local" | "flemish" | "federal", opts: { orgs?: string[]; dataDir: string; server: string; extra?: string[] }, timeoutMs = 60_000): Promise<ServiceProcess> {
  const who = opts.orgs ? ["--org", opts.orgs.join(",")] : ["--all"];
  const main = join(REPO_ROOT, "services", level, "src", "main.ts");
  const child = track(spawn(process.execPath, ["--import", "tsx", main, ...who, "--data", opts.dataDir, "--server", opts.server, ...(opts.extra ?? [])], {
    cwd: REPO_ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"],
  }));
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${level} service not ready within ${timeoutMs} ms\n${out}`)), timeoutMs);
    const check = (): void => {
      if (/"msg":"ready"/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${level} service exited (${code}) before it was ready\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async kill9() {
      child.kill("SIGKILL");
      await exited(child);
    },
    async stop() {
      child.kill("SIGTERM");
      return (await exited(child)).code;
    },
  };
}
