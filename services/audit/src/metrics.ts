/**
 * The auditor's metrics: the length of the hash chain and the age of its last checkpoint while
 * records exist after it (0 when every record is checkpointed). Both are read from the auditor's
 * memory when scraped: no I/O.
 */
import { METRICS, observeGauge } from "@schakel/contracts";

/** Where the chain stands for the gauges: records chained, and the last checkpoint (index, time in ms). */
export interface ChainProgress {
  records: number;
  checkpointed: { index: number; at: number };
}

/** Seconds since the last checkpoint when records were chained after it, else 0. */
export function checkpointAgeSeconds(p: ChainProgress, now = Date.now()): number {
  return p.records - 1 > p.checkpointed.index ? Math.max(0, (now - p.checkpointed.at) / 1_000) : 0;
}

/** Adds the auditor's gauges; returns the function that removes them (on stop). */
export function observeChain(progress: () => ChainProgress): () => void {
  const removeLength = observeGauge(METRICS.auditChainLength, (observe) => observe(progress().records));
  const removeAge = observeGauge(METRICS.auditCheckpointAge, (observe) => observe(checkpointAgeSeconds(progress())));
  return () => {
    removeLength();
    removeAge();
  };
}
