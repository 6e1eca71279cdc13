/**
 * One record of the audit chain: which stored message (stream, sequence, subject, storage time),
 * the SHA-256 digest of its headers and body, and the link to the record before it:
 * `hash = sha256(prev hash || canonical record)`. Changing, removing or reordering any record
 * breaks every link after it; checkpoints kept outside the file anchor the chain's head.
 *
 * A record of the read audit (stream READS) also carries the read's who and what (`read`), or, for
 * a stored message that does not verify as a read record, the reason (`refused`), so the chain file
 * alone answers "who saw what about whom". Both are covered by the hash. Records without them (every
 * record of earlier releases) hash exactly as before, so old chain files still verify.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The read as chained: copied from the verified `read.recorded` message, as plain strings (the
 * bytes in the file are hashed as they are; nothing is trimmed or defaulted on the way back in).
 */
export const AuditedRead = z.object({
  readId: z.string(),
  person: z.string().optional(),
  organisation: z.string(),
  role: z.string().optional(),
  interface: z.string(),
  purpose: z.string(),
  kind: z.string(),
  messageIds: z.array(z.string()),
  caseRef: z.string().optional(),
  /** The reader's clock when it recorded the read (the envelope's time). */
  at: z.string(),
});
export type AuditedRead = z.infer<typeof AuditedRead>;

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
  /** READS only: the verified read's who and what. */
  read: AuditedRead.optional(),
  /** READS only: why a stored message is not a verified read record (a rejection reason). */
  refused: z.string().optional(),
  /** The hash of record i-1 (64 zeros for the first record). */
  prev: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** What the auditor knows about a stored message before it is chained. */
export type StoredEntry = Pick<AuditRecord, "stream" | "seq" | "subject" | "storedAt" | "digest" | "read" | "refused">;

export const GENESIS = "0".repeat(64);

/** A read's fields in a fixed order (absent optional fields as null). */
function readFields(r: AuditedRead): unknown[] {
  return [r.readId, r.person ?? null, r.organisation, r.role ?? null, r.interface, r.purpose, r.kind, r.messageIds, r.caseRef ?? null, r.at];
}

/**
 * The bytes a record's hash covers, besides the previous hash: its fields in a fixed order. The
 * read audit's fields are appended only when present, so a record without them hashes as in every
 * earlier release.
 */
export function canonical(r: Omit<AuditRecord, "hash" | "prev">): string {
  const base: unknown[] = [r.i, r.stream, r.seq, r.subject, r.storedAt, r.digest];
  if (r.read !== undefined || r.refused !== undefined) base.push(r.read ? readFields(r.read) : null, r.refused ?? null);
  return JSON.stringify(base);
}

export function recordHash(prev: string, r: Omit<AuditRecord, "hash" | "prev">): string {
  return createHash("sha256").update(Buffer.from(prev, "hex")).update(canonical(r)).digest("hex");
}

/** Chains `entry` after the record with index `i - 1` and hash `prev`. */
export function chain(i: number, prev: string, entry: StoredEntry): AuditRecord {
  const body = { i, ...entry };
  return {
    i, stream: entry.stream, seq: entry.seq, subject: entry.subject, storedAt: entry.storedAt, digest: entry.digest,
    ...(entry.read ? { read: entry.read } : {}), ...(entry.refused !== undefined ? { refused: entry.refused } : {}),
    prev, hash: recordHash(prev, body),
  };
}

/** One line of the log file. */
export function toLine(r: AuditRecord): string {
  return JSON.stringify(r) + "\n";
}
