/**
 * Typed errors of the contract. Each one says what was wrong, where (field path, subject,
 * organisation) and what to do. Errors that cross the wire are plain data (`toData()`).
 */
import type { z } from "zod";

export type ErrorCode =
  | "schema"
  | "unknown-type"
  | "subject"
  | "unknown-organisation"
  | "unknown-audience"
  | "not-allowed"
  | "signature"
  | "sealed"
  | "payload-too-large"
  | "conflict"
  | "unreachable"
  | "timeout";

/** Base class: `code` is stable, `message` is for people, `details` for scripts. */
export class SchakelError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SchakelError";
    this.code = code;
    this.details = details;
  }
  toData(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
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
