/**
 * One `schakel up` run for the footprint scenario: spawned with `--json` on a fresh data folder
 * (its own nats-server on a free port), ready when it prints its one-line summary. The spawn-to-
 * summary time is the time to ready; `stop()` kills it and its nats-server and deletes the folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../../services/cli/bin/schakel.mjs", import.meta.url));

export interface UpRun {
  dataDir: string;
  url: string;
  pid: number;
  natsPid: number | null;
  /** Spawn to summary line, measured here, in ms. */
  readyMs: number;
  /** What `up` itself reports (process start to ready) and where its time went. */
  reportedReadyMs: number;
  phasesMs: Record<string, number>;
  services: { service: string; orgs: string[] }[];
  consoleUrl: string | null;
  stop(): Promise<void>;
}

export async function startUp(timeoutMs = 60_000): Promise<UpRun> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "schakel-bench-up-"));
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [CLI, "up", "--json", "--data", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-3_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let natsPid: number | null = null;
  // The figures are taken by then: no need to wait for a graceful shutdown (SIGKILL, then the
  // nats-server `up` started, which a killed parent leaves behind).
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    if (natsPid) {
      try {
        process.kill(natsPid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`schakel up printed no summary within ${timeoutMs / 1000} s; stderr: ${stderr.trim().slice(-500)}`)), timeoutMs);
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(out.slice(0, nl));
        }
      });
      void exited.then(() => reject(new Error(`schakel up exited (${child.exitCode ?? child.signalCode}) before it was ready: ${stderr.trim().slice(-500)}`)));
    });
    const readyMs = performance.now() - t0;
    const s = JSON.parse(line) as { readyMs: number; phasesMs: Record<string, number>; url: string; pid: number; natsPid: number | null; services: UpRun["services"]; consoleUrl: string | null };
    natsPid = s.natsPid;
    return { dataDir, url: s.url, pid: s.pid, natsPid: s.natsPid, readyMs, reportedReadyMs: s.readyMs, phasesMs: s.phasesMs, services: s.services, consoleUrl: s.consoleUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
