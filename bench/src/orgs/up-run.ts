/**
 * One `schakel up --json` on a generated registry (and its persons file), on a fresh data folder
 * with free ports: spawned with the command people run (bin/schakel.mjs), ready at its one-line
 * summary. `stop()` ends it with SIGINT (services drain, the server flushes) and deletes the folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSummaryChild, stopSummaryChild, summaryLine } from "../footprint/summary-child.ts";

const CLI = fileURLToPath(new URL("../../../services/cli/bin/schakel.mjs", import.meta.url));

export interface OrgsUp {
  dataDir: string;
  url: string;
  pid: number;
  natsPid: number | null;
  /** Spawn to summary line, ms. */
  readyMs: number;
  phasesMs: Record<string, number>;
  stop(): Promise<void>;
}

export async function startOrgsUp(registryFile: string, personsFile: string, timeoutMs: number): Promise<OrgsUp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "schakel-bench-orgs-up-"));
  const args = [CLI, "up", "--json", "--data", dataDir, "--registry", registryFile, "--persons", personsFile, "--port", "0", "--console-port", "0", "--idp-port", "0", "--health-port", "0"];
  const t0 = performance.now();
  const c = spawnSummaryChild(args);
  const stop = async (): Promise<void> => {
    await stopSummaryChild(c, "SIGINT", 30_000);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const line = await summaryLine(c, "schakel up", timeoutMs);
    const readyMs = performance.now() - t0;
    const s = JSON.parse(line) as { url: string; pid: number; natsPid: number | null; phasesMs: Record<string, number> };
    return { dataDir, url: s.url, pid: s.pid, natsPid: s.natsPid, readyMs, phasesMs: s.phasesMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
