/**
 * One organisation's own service process for the footprint scenario: `schakel run --org <org>
 * --json` in production (production.ts), against a bus `schakel up` runs, ready when it prints its
 * one-line summary. `stop()` ends it with SIGTERM (it stops its services and exits).
 */
import { productionArgs } from "./production.ts";
import { spawnSummaryChild, stopSummaryChild, summaryLine } from "./summary-child.ts";

export interface OrganisationRun {
  pid: number;
  services: string[];
  stop(): Promise<void>;
}

export async function startOrganisation(dataDir: string, org: string, timeoutMs = 60_000): Promise<OrganisationRun> {
  const c = spawnSummaryChild(await productionArgs(["run", "--org", org, "--json", "--data", dataDir]));
  const stop = (): Promise<void> => stopSummaryChild(c, "SIGTERM", 10_000);
  try {
    const line = await summaryLine(c, `schakel run --org ${org}`, timeoutMs);
    const s = JSON.parse(line) as { services?: string[] };
    return { pid: c.child.pid!, services: s.services ?? [], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
