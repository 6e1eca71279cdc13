/**
 * Why a consumer refused a message. Rejections are data, not exceptions: the consumer files
 * them in the dead-letter stream with the reason and keeps the feed moving.
 */
import type { FieldIssue } from "../errors.ts";

export const REJECT_REASONS = [
  "malformed-json",
  "invalid-envelope",
  "subject-mismatch",
  "unknown-type",
  "invalid-data",
  "unsigned",
  "unknown-organisation",
  "unknown-key",
  "revoked-key",
  "sender-not-allowed",
  "forged",
  "clock-skew",
  "replay-refused",
  "handler-failed",
  "unreadable",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  reason: RejectReason;
  /** One line for people: what was wrong and where. */
  detail: string;
  issues?: FieldIssue[];
}

export const reject = (reason: RejectReason, detail: string, issues?: FieldIssue[]): Rejection =>
  issues ? { reason, detail, issues } : { reason, detail };
