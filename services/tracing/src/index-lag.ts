/**
 * Index lag: the indexer acknowledges a message only once it is in the index, so the index is
 * current when the platform's trace consumers have nothing pending and nothing unacknowledged.
 * `schakel trace` right after a flow waits for that (briefly) instead of showing half a trace.
 */
import { traceIndexConsumers } from "@schakel/contracts";
import type { OperatorConnection } from "@schakel/contracts/bus";

export interface IndexLag {
  /** Messages stored but not yet in the index (pending + unacknowledged). */
  behind: number;
  caughtUp: boolean;
  /** False when a trace consumer does not exist (an unprovisioned bus). */
  provisioned: boolean;
}

/** Who can tell how far a durable is behind: the operator connection. */
export type BacklogReader = Pick<OperatorConnection, "backlog">;

/** The current lag of the trace index (one consumer-info request per stream). */
export async function indexLag(op: BacklogReader, platformOrg: string): Promise<IndexLag> {
  let behind = 0;
  let provisioned = true;
  for (const c of traceIndexConsumers(platformOrg)) {
    const backlog = await op.backlog(c).catch(() => null);
    if (!backlog) {
      provisioned = false;
      continue;
    }
    behind += backlog.pending + backlog.unacknowledged;
  }
  return { behind, caughtUp: behind === 0 && provisioned, provisioned };
}

/**
 * Waits until the index has caught up with everything stored so far, or `timeoutMs` passes
 * (default 5 s); resolves with the last lag seen either way, never throws for a slow indexer.
 */
export async function waitForIndex(op: BacklogReader, platformOrg: string, timeoutMs = 5_000): Promise<IndexLag> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await indexLag(op, platformOrg);
    if (lag.caughtUp || !lag.provisioned || Date.now() >= deadline) return lag;
    await new Promise((r) => setTimeout(r, 50));
  }
}
