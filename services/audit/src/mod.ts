/** @schakel/audit — the tamper-evident audit chain over every stored message. Every public export, by name. */
export { startAuditor } from "./auditor.ts";
export type { Auditor, AuditorOptions } from "./auditor.ts";
export { verifyAuditLog } from "./verify.ts";
export type { VerifyResult, Tampering, Checkpoint } from "./verify.ts";
export { auditLogPath, readHead, logLines, AuditLogWriter } from "./log.ts";
export type { ChainHead } from "./log.ts";
export { AuditRecord, AuditedRead, GENESIS, canonical, recordHash, chain, toLine } from "./record.ts";
export { readEntryOf } from "./read-entry.ts";
export type { ReadVerifier } from "./read-entry.ts";
export { readsInLog } from "./reads.ts";
export type { ReadQuery, ChainedRead } from "./reads.ts";
export type { StoredEntry } from "./record.ts";
export { messageDigest, storedAtOf } from "./digest.ts";
export { openCheckpoints, readCheckpoints, writeCheckpoint, StoredCheckpoint } from "./checkpoints.ts";
