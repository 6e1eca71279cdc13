/**
 * Console probe child, run as the production start runs code (bundled, plain Node; production.ts):
 * starts the console as the platform coordinator for API tokens only, reads the whole record, says
 * so to the parent over IPC, and serves until the parent asks it to stop. The parent reads its
 * RSS from /proc and asks for pages over HTTP.
 */
import { startConsole } from "@schakel/console";
import { Directory, type Person } from "@schakel/contracts";
import { OrgCredentials } from "@schakel/contracts/bus";

/** What the parent sends first. */
export interface ConsoleProbeRequest {
  url: string;
  platform: string;
  credentials: unknown;
  directory: unknown;
  persons: Person[];
  apiTokens: string;
}

/** What the child answers once caught up. */
export interface ConsoleProbeReport {
  url?: string;
  catchUpMs?: number;
  /** Messages read, and how many of them are held in memory. */
  size?: number;
  inMemory?: number;
  /** V8 heap in use and reserved, MB, when caught up. */
  heapUsedMB?: number;
  heapTotalMB?: number;
  error?: string;
}

process.once("message", (req: ConsoleProbeRequest) => {
  const t0 = performance.now();
  startConsole({
    servers: req.url, credentials: new Map([[req.platform, OrgCredentials.parse(req.credentials)]]), directory: Directory.parse(req.directory),
    signIn: { apiTokensOnly: true, persons: req.persons }, apiTokens: req.apiTokens, onNote: () => undefined,
  }).then(async (running) => {
    await running.caughtUp;
    const catchUpMs = performance.now() - t0;
    // Settle for a moment, as an idle console would, before the heap is read.
    await new Promise((r) => setTimeout(r, 2_000));
    const { heapUsed, heapTotal } = process.memoryUsage();
    const report: ConsoleProbeReport = { url: running.url, catchUpMs, size: running.model.size, inMemory: running.model.records.length, heapUsedMB: heapUsed / 2 ** 20, heapTotalMB: heapTotal / 2 ** 20 };
    process.send!(report);
    process.once("message", () => void running.stop().finally(() => process.exit(0)));
  }, (err: Error) => process.send!({ error: err?.message ?? String(err) } satisfies ConsoleProbeReport, () => process.exit(1)));
});
