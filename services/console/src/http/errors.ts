/**
 * How the console answers an error over HTTP: the status follows the error's stable code (and
 * whether trying again may help), the body is the error as plain data (`{ error: toData() }`), so
 * scripts read `error.code` and `error.retryable` rather than the message.
 */
import type { Context } from "hono";
import { SchakelError, type ErrorCode } from "@schakel/contracts";
import { connectionFailure } from "@schakel/contracts/bus";

export type ErrorStatus = 400 | 403 | 404 | 413 | 500 | 503;

/** Codes that mean the service behind the console is not available now. */
const UNAVAILABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["unreachable", "timeout"]);

/** Codes that mean the request was wrong: change it and send again. */
const BAD_REQUEST: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["schema", "unknown-type", "subject", "unknown-organisation", "unknown-audience"]);

/**
 * The HTTP status of an error: 400 bad input, 403 not allowed, 404 not found, 413 too large, 503
 * the bus away or not answering in time (or any error that says trying again may help), 500 for
 * the rest (a limit, refused credentials, an unknown failure: the console's operator has to act).
 */
export function httpStatusOf(err: SchakelError): ErrorStatus {
  if (BAD_REQUEST.has(err.code)) return 400;
  if (err.code === "not-allowed") return 403;
  if (err.code === "not-found") return 404;
  if (err.code === "payload-too-large") return 413;
  if (UNAVAILABLE.has(err.code) || err.retryable) return 503;
  return 500;
}

/** The JSON answer for an error: its status by code, the body `{ error: { code, message, retryable, details } }`. */
export function errorAnswer(c: Context, err: SchakelError): Response {
  return c.json({ error: err.toData() }, httpStatusOf(err));
}

/**
 * Any thrown value as a SchakelError: an outage (no answer in time, a lost connection) is
 * `unreachable` and worth trying again; anything else `failed`, with its text.
 */
export function asSchakelError(err: unknown, what: string): SchakelError {
  if (err instanceof SchakelError) return err;
  const outage = connectionFailure(err);
  if (outage?.kind === "unreachable") {
    return new SchakelError("unreachable", `${what}: the bus did not answer (${outage.reason}); try again in a moment`, {}, { cause: err, retryable: true });
  }
  return new SchakelError("failed", `${what}: ${(err as Error)?.message ?? String(err)}`, {}, { cause: err });
}
