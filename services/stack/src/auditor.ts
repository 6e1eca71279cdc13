/**
 * The stack's auditor: the `audit` identity chains every stored message (COORD, CASE, DEADLETTER,
 * READS) into `<data>/audit/chain.jsonl`, checkpointed in KV, so `schakel audit verify` can check
 * the log at any time. It checks read records with the services' clock-skew tolerance.
 */
import { startAuditor } from "@schakel/audit";
import { clockSkewFrom } from "@schakel/contracts/bus";
import type { Identities } from "@schakel/infra";

export interface RunningAuditor {
  logPath: string;
  /** Connected, and the stored messages chained once since start (for the health server). */
  readiness(): Promise<{ ready: boolean; reason?: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the auditor against `url` with the data folder's audit identity. A stream it cannot read
 * for a while is reported through `onError` (it keeps trying); throws when it cannot start.
 */
export async function startStackAuditor(opts: { dataDir: string; url: string; identities: Identities; onError?: (err: Error, stream: string) => void }): Promise<RunningAuditor> {
  const auditor = await startAuditor({
    servers: opts.url, seed: opts.identities.audit.seed, dataDir: opts.dataDir, skewMs: clockSkewFrom(),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  return { logPath: auditor.logPath, readiness: () => auditor.readiness(), stop: () => auditor.stop() };
}
