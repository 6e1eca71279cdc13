/**
 * Typed errors of the contract. Each one says what was wrong, where (field path, subject,
 * organisation) and what to do. Errors that cross the wire are plain data (`toData()`).
 */
import type { z } from "zod";

/**
 * Every stable error code, and whether an operation that failed with it may succeed when tried
 * again unchanged (the default `retryable` of a {@link SchakelError} with that code). Scripts and
 * the console key on these codes: add codes, never rename one.
 */
export const ERROR_CODES = {
  /** Data or a document did not match its schema. */
  schema: { retryable: false },
  "unknown-type": { retryable: false },
  /** A subject that is not Schakel's, or malformed. */
  subject: { retryable: false },
  "unknown-organisation": { retryable: false },
  "unknown-audience": { retryable: false },
  /** The sender may not do this (its roles, or the broker's permissions). */
  "not-allowed": { retryable: false },
  /** The bus refused this organisation's credentials (unknown or revoked key). */
  "credentials-refused": { retryable: false },
  signature: { retryable: false },
  sealed: { retryable: false },
  "payload-too-large": { retryable: false },
  /** A JetStream limit was reached (a full stream, an account's resources). */
  limit: { retryable: false },
  /** Something that does not exist (a notice, a page, a route). */
  "not-found": { retryable: false },
  /** A record kept changing under a compare-and-set: reading it again and retrying helps. */
  conflict: { retryable: true },
  /** The bus (or its JetStream) could not be reached. */
  unreachable: { retryable: true },
  /** No answer in time; the operation may or may not have taken effect. */
  timeout: { retryable: true },
  /** A handler refused a message for good: it is dead-lettered without another attempt. */
  refused: { retryable: false },
  /** A failure no other code describes; the message carries the original text. */
  failed: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A Schakel error as plain data, the form in which errors cross the wire (HTTP, logs, scripts). */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Whether trying the same operation again may succeed. */
  retryable: boolean;
  details: Record<string, unknown>;
}

export interface SchakelErrorOptions {
  cause?: unknown;
  /** Overrides the code's default from {@link ERROR_CODES} for this one error. */
  retryable?: boolean;
}

/**
 * Base class: `code` is stable, `message` is for people (what, where, what to do), `details` for
 * scripts, `retryable` says whether trying again may help.
 */
export class SchakelError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options: SchakelErrorOptions = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.name = "SchakelError";
    this.code = code;
    this.details = details;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
  }
  toData(): ErrorData {
    return { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

/** Whether trying the operation that threw `err` again may succeed: a SchakelError says so; anything else may. */
export function isRetryable(err: unknown): boolean {
  return err instanceof SchakelError ? err.retryable : true;
}

/** One failing field: its dotted path and the rule it broke. */
export interface FieldIssue {
  path: string;
  rule: string;
  message: string;
}

/** Data did not match the schema of its message type; lists every failing field. */
export class SchemaError extends SchakelError {
  readonly issues: FieldIssue[];
  constructor(what: string, issues: FieldIssue[]) {
    const list = issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
    super("schema", `${what} is invalid — ${list}. Fix these fields and send again.`, { issues });
    this.name = "SchemaError";
    this.issues = issues;
  }

  /** Turns a zod error into a SchemaError, one issue per failing path. */
  static fromZod(what: string, error: z.ZodError, prefix = ""): SchemaError {
    const issues = error.issues.map((i) => ({
      path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
      rule: i.code,
      message: i.message,
    }));
    return new SchemaError(what, issues);
  }
}

/** A subject that is not one of Schakel's, or whose tokens are malformed. */
export class SubjectError extends SchakelError {
  constructor(subject: string, problem: string) {
    super("subject", `subject "${subject}" ${problem}`, { subject });
    this.name = "SubjectError";
  }
}
