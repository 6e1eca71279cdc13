/**
 * Faults of nats-server itself that the fault suite measures: which release fixed each, so that a
 * scenario holds a fixed server to the full guarantee and an older one to the documented failure
 * (asserted, with its figure in the output), never to nothing.
 */

export interface KnownServerFault {
  /** What goes wrong, in one line. */
  summary: string;
  /** The first release with the fix; absent while no release is known to fix it. */
  fixedIn?: string;
  /** The upstream changes that fixed it, or where it was measured while none is known. */
  fix: string;
}

/**
 * A stream leader cut off from its followers keeps proposing what clients send it; after the
 * partition heals, its replica can apply those unacknowledged writes in place of the acknowledged
 * ones the new leader stored at the same sequences, or stay behind the others.
 */
export const PARTITION_DESYNC: KnownServerFault = {
  summary: "a cut-off stream leader's unacknowledged writes replace acknowledged ones after healing",
  fixedIn: "2.10.23",
  fix: "nats-io/nats-server#5957 and #6027 (truncate WAL entries without quorum), in 2.10.23",
};

/**
 * After a partition heals, the pull requests of a client connected to the node that was cut off
 * reach no consumer leader for a while (no messages, no heartbeats, no status; the leader counts
 * no waiting request) although the client keeps sending them and CONSUMER.INFO answers, while
 * the node's routes are re-established (duplicate routes closed, reconnected). Measured on
 * 2.9.10: 5 to 13 s after healing, longer on a loaded machine; no release is known to change it.
 */
export const PULLS_UNSERVED_AFTER_HEAL: KnownServerFault = {
  summary: "pull requests from the formerly cut-off node are not served for a while after healing",
  fix: "none known; measured on 2.9.10 (docs/OPERATIONS.md, known limits)",
};

/** Whether nats-server `version` (e.g. "2.9.10", "v2.10.23-RC.1" counts as before) has the fix of `fault`. */
export function hasFix(version: string, fault: KnownServerFault): boolean {
  if (!fault.fixedIn) return false;
  const parse = (v: string): number[] => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? ["", "0", "0", "0"]).slice(1).map(Number);
  const [have, need] = [parse(version), parse(fault.fixedIn)];
  for (let i = 0; i < 3; i++) if (have[i]! !== need[i]!) return have[i]! > need[i]!;
  return !/-/.test(version);
}
