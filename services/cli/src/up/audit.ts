/**
 * The place where `schakel up` starts the auditor: the `audit` identity chains every stored
 * message (COORD, CASE, DEADLETTER) into `<data>/audit/chain.jsonl`, checkpointed in KV, so
 * `schakel audit verify` can check the log at any time.
 */
import { startAuditor } from "@schakel/audit";
import type { Identities } from "@schakel/infra";
import { color, note } from "../output.ts";

export interface RunningAuditor {
  logPath: string;
  stop(): Promise<void>;
}

export async function startUpAuditor(opts: { dataDir: string; url: string; identities: Identities }): Promise<RunningAuditor> {
  const auditor = await startAuditor({
    servers: opts.url, seed: opts.identities.audit.seed, dataDir: opts.dataDir,
    onError: (err, stream) => note(color.yellow(`audit: ${stream}: ${err.message}`)),
  });
  return { logPath: auditor.logPath, stop: () => auditor.stop() };
}
