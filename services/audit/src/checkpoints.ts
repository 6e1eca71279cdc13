/**
 * Checkpoints of the chain in the JetStream KV bucket `audit`: every so many records (and on
 * stop) the auditor writes `{ i, hash, at }` under a key ordered by index. Only the audit identity
 * (and the operator) can write that bucket, so a checkpoint anchors the chain outside the log file:
 * whoever can edit the file cannot make a checkpoint agree with a rewritten or truncated log.
 */
import { z } from "zod";
import { AUDIT_BUCKET, AUDIT_CHECKPOINT_FILTER, auditCheckpointKey } from "@schakel/contracts";
import { openRecords, type OperatorConnection, type RecordBucket } from "@schakel/contracts/bus";
import type { Checkpoint } from "./verify.ts";

export const StoredCheckpoint = z.object({ i: z.number().int().nonnegative(), hash: z.string().regex(/^[0-9a-f]{64}$/), at: z.string() });
export type StoredCheckpoint = z.infer<typeof StoredCheckpoint>;

/** The checkpoint records of the audit bucket. */
export type Checkpoints = RecordBucket<typeof StoredCheckpoint>;

/** Opens the audit bucket's checkpoints; throws when the bucket is not provisioned or the bus does not answer. */
export async function openCheckpoints(audit: OperatorConnection): Promise<Checkpoints> {
  return openRecords(audit, AUDIT_BUCKET, StoredCheckpoint, "audit checkpoint");
}

export async function writeCheckpoint(checkpoints: Checkpoints, c: Checkpoint, at = new Date()): Promise<void> {
  await checkpoints.put(auditCheckpointKey(c.i), { i: c.i, hash: c.hash, at: at.toISOString() });
}

/** Every checkpoint in the bucket, by index; entries that do not parse are reported, not skipped. */
export async function readCheckpoints(checkpoints: Checkpoints): Promise<StoredCheckpoint[]> {
  const stored = await checkpoints.list(AUDIT_CHECKPOINT_FILTER, (key, cause) => {
    throw new Error(`audit checkpoint ${key} is not a checkpoint: the bucket "${AUDIT_BUCKET}" was written by something else`, { cause });
  });
  return stored.map((e) => e.value).sort((a, b) => a.i - b.i);
}
