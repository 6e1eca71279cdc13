/**
 * Checkpoints of the chain in the JetStream KV bucket `audit`: every so many records (and on
 * stop) the auditor writes `{ i, hash, at }` under a key ordered by index. Only the audit identity
 * (and the operator) can write that bucket, so a checkpoint anchors the chain outside the log file:
 * whoever can edit the file cannot make a checkpoint agree with a rewritten or truncated log.
 */
import { Kvm, type KV } from "@nats-io/kv";
import type { JetStreamClient } from "@nats-io/jetstream";
import { z } from "zod";
import { AUDIT_BUCKET, AUDIT_CHECKPOINT_FILTER, auditCheckpointKey } from "@schakel/contracts";
import type { Checkpoint } from "./verify.ts";

export const StoredCheckpoint = z.object({ i: z.number().int().nonnegative(), hash: z.string().regex(/^[0-9a-f]{64}$/), at: z.string() });
export type StoredCheckpoint = z.infer<typeof StoredCheckpoint>;

export async function openCheckpoints(js: JetStreamClient): Promise<KV> {
  return new Kvm(js).open(AUDIT_BUCKET);
}

export async function writeCheckpoint(kv: KV, c: Checkpoint, at = new Date()): Promise<void> {
  await kv.put(auditCheckpointKey(c.i), JSON.stringify({ i: c.i, hash: c.hash, at: at.toISOString() } satisfies StoredCheckpoint));
}

/** Every checkpoint in the bucket, by index; entries that do not parse are reported, not skipped. */
export async function readCheckpoints(kv: KV): Promise<StoredCheckpoint[]> {
  const out: StoredCheckpoint[] = [];
  for await (const key of await kv.keys(AUDIT_CHECKPOINT_FILTER)) {
    const e = await kv.get(key);
    if (!e || e.operation !== "PUT") continue;
    const parsed = StoredCheckpoint.safeParse(e.json());
    if (!parsed.success) throw new Error(`audit checkpoint ${key} is not a checkpoint: the bucket "${AUDIT_BUCKET}" was written by something else`);
    out.push(parsed.data);
  }
  return out.sort((a, b) => a.i - b.i);
}
