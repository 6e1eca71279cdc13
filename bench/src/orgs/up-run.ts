/**
 * One `schakel up --json` on a generated registry (and its persons file), with free ports, started
 * the way an operator starts it (`npm start`: the production bundle on plain Node), ready at its
 * one-line summary: on a fresh data folder, or again on the folder a previous run left (`dataDir`).
 * `stop()` ends it with SIGINT (services drain, the server flushes) and deletes the folder unless
 * asked to keep it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { productionArgs } from "../footprint/production.ts";
import { spawnSummaryChild, stopSummaryChild, summaryLine } from "../footprint/summary-child.ts";

export interface OrgsUp {
  dataDir: string;
  url: string;
  pid: number;
  natsPid: number | null;
  /** Spawn to summary line, ms. */
  readyMs: number;
  phasesMs: Record<string, number>;
  /** Stops it; the data folder is deleted unless `keep`. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

/** `nodeFlags` go before the bundle (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
export async function startOrgsUp(registryFile: string, personsFile: string, timeoutMs: number, dataDir?: string, nodeFlags: readonly string[] = []): Promise<OrgsUp> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), "schakel-bench-orgs-up-")));
  const args = await productionArgs(["up", "--json", "--data", dir, "--registry", registryFile, "--persons", personsFile, "--port", "0", "--console-port", "0", "--idp-port", "0", "--health-port", "0"]);
  const t0 = performance.now();
  const c = spawnSummaryChild([...nodeFlags, ...args]);
  const stop = async (opts: { keep?: boolean } = {}): Promise<void> => {
    await stopSummaryChild(c, "SIGINT", 30_000);
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  };
  try {
    const line = await summaryLine(c, "schakel up", timeoutMs);
    const readyMs = performance.now() - t0;
    const s = JSON.parse(line) as { url: string; pid: number; natsPid: number | null; phasesMs: Record<string, number> };
    return { dataDir: dir, url: s.url, pid: s.pid, natsPid: s.natsPid, readyMs, phasesMs: s.phasesMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
