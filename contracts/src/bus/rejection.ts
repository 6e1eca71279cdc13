/**
 * Why a consumer refused a message. Rejections are data, not exceptions: the consumer files
 * them in the dead-letter stream with the reason and keeps the feed moving.
 */
import { SchakelError, type FieldIssue } from "../errors.ts";

/**
 * Every reason, in the order the receiver checks (decode.ts). Reasons are only ever added: dead
 * letters filed by an earlier release keep theirs (before `case-content-in-clear` existed, a
 * case-confidential message on coord.* was filed as `invalid-envelope`).
 */
export const REJECT_REASONS = [
  "malformed-json",
  "wrong-content-type",
  "invalid-envelope",
  "subject-mismatch",
  "source-mismatch",
  "case-content-in-clear",
  "unsigned",
  "unknown-organisation",
  "unknown-key",
  "revoked-key",
  "forged",
  "clock-skew",
  "traceparent-mismatch",
  "msg-id-mismatch",
  "unknown-type",
  "unsupported-version",
  "dataschema-mismatch",
  "sender-not-allowed",
  "actor-mismatch",
  "invalid-data",
  "personal-data-in-clear",
  "unlawful-purpose",
  "sender-mismatch",
  "replay-refused",
  "handler-failed",
  "handler-refused",
  "not-a-member",
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

/**
 * Thrown by a handler that refuses a message for good — trying again cannot help (it names
 * something that can never exist, it contradicts what was already decided). The consumer files
 * the message in the dead-letter stream at once, with reason `handler-refused` and this message as
 * detail, and does not run the handler on it again. Say what was wrong and where, as for any error.
 *
 * Any {@link SchakelError} whose `retryable` is false is filed the same way (a reply that is too
 * large, a schema error); every other error is retried with backoff as before.
 */
export class HandlerRefusal extends SchakelError {
  /** The reason it is filed under: `handler-refused`, or a more precise one (`not-a-member`). */
  readonly reason: Extract<RejectReason, "handler-refused" | "not-a-member">;
  constructor(message: string, details: Record<string, unknown> = {}, options: { cause?: unknown; reason?: HandlerRefusal["reason"] } = {}) {
    super("refused", message, details, { ...("cause" in options ? { cause: options.cause } : {}), retryable: false });
    this.name = "HandlerRefusal";
    this.reason = options.reason ?? "handler-refused";
  }
}
