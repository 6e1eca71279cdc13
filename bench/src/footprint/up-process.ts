/**
 * One `schakel up` run for the footprint scenario: the production start (production.ts: the
 * bundled command on plain Node), spawned with `--json` on a fresh data folder (its own
 * nats-server on a free port), ready when it prints its one-line summary. The spawn-to-summary
 * time is the time to ready; `stop()` kills it and its nats-server and deletes the folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { productionArgs } from "./production.ts";
import { spawnSummaryChild, stopSummaryChild, summaryLine } from "./summary-child.ts";

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

/** Starts `schakel up --json` with `extra` options (e.g. `--no-services`). */
export async function startUp(timeoutMs = 60_000, extra: string[] = []): Promise<UpRun> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "schakel-bench-up-"));
  const args = await productionArgs(["up", "--json", "--data", dataDir, ...extra]);
  const t0 = performance.now();
  const c = spawnSummaryChild(args);
  let natsPid: number | null = null;
  // The figures are taken by then: no need to wait for a graceful shutdown (SIGKILL, then the
  // nats-server `up` started, which a killed parent leaves behind).
  const stop = async (): Promise<void> => {
    await stopSummaryChild(c, "SIGKILL", 0);
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
    const line = await summaryLine(c, "schakel up", timeoutMs);
    const readyMs = performance.now() - t0;
    const s = JSON.parse(line) as { readyMs: number; phasesMs: Record<string, number>; url: string; pid: number; natsPid: number | null; services: UpRun["services"]; consoleUrl: string | null };
    natsPid = s.natsPid;
    return { dataDir, url: s.url, pid: s.pid, natsPid: s.natsPid, readyMs, reportedReadyMs: s.readyMs, phasesMs: s.phasesMs, services: s.services, consoleUrl: s.consoleUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
