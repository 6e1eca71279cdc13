/** @schakel/audit — the tamper-evident audit chain over every stored message. Every public export, by name. */
export { startAuditor } from "./auditor.ts";
export type { Auditor, AuditorOptions } from "./auditor.ts";
export { verifyAuditLog } from "./verify.ts";
export type { VerifyResult, Tampering, Checkpoint } from "./verify.ts";
export { auditLogPath, readHead, logLines, AuditLogWriter } from "./log.ts";
export type { ChainHead } from "./log.ts";
export { AuditRecord, GENESIS, canonical, recordHash, chain, toLine } from "./record.ts";
export type { StoredEntry } from "./record.ts";
export { messageDigest, storedAtOf } from "./digest.ts";
export { openCheckpoints, readCheckpoints, writeCheckpoint, StoredCheckpoint } from "./checkpoints.ts";
