/**
 * One record of the audit chain: which stored message (stream, sequence, subject, storage time),
 * the SHA-256 digest of its headers and body, and the link to the record before it:
 * `hash = sha256(prev hash || canonical record)`. Changing, removing or reordering any record
 * breaks every link after it; checkpoints kept outside the file anchor the chain's head.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

const HEX64 = /^[0-9a-f]{64}$/;

export const AuditRecord = z.object({
  /** Position in the chain, from 0, without gaps. */
  i: z.number().int().nonnegative(),
  stream: z.string().min(1),
  seq: z.number().int().positive(),
  subject: z.string().min(1),
  /** When the broker stored the message (ISO, nanosecond part dropped). */
  storedAt: z.string().min(1),
  /** sha256 of the message's headers and body (see digest.ts). */
  digest: z.string().regex(HEX64),
  /** The hash of record i-1 (64 zeros for the first record). */
  prev: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** What the auditor knows about a stored message before it is chained. */
export type StoredEntry = Pick<AuditRecord, "stream" | "seq" | "subject" | "storedAt" | "digest">;

export const GENESIS = "0".repeat(64);

/** The bytes a record's hash covers, besides the previous hash: its fields in a fixed order. */
export function canonical(r: Omit<AuditRecord, "hash" | "prev">): string {
  return JSON.stringify([r.i, r.stream, r.seq, r.subject, r.storedAt, r.digest]);
}

export function recordHash(prev: string, r: Omit<AuditRecord, "hash" | "prev">): string {
  return createHash("sha256").update(Buffer.from(prev, "hex")).update(canonical(r)).digest("hex");
}

/** Chains `entry` after the record with index `i - 1` and hash `prev`. */
export function chain(i: number, prev: string, entry: StoredEntry): AuditRecord {
  const body = { i, ...entry };
  return { i, stream: entry.stream, seq: entry.seq, subject: entry.subject, storedAt: entry.storedAt, digest: entry.digest, prev, hash: recordHash(prev, body) };
}

/** One line of the log file. */
export function toLine(r: AuditRecord): string {
  return JSON.stringify(r) + "\n";
}
