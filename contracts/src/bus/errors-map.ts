/**
 * Maps nats.js errors to Schakel errors that say what happened, where, and what to do. Errors are
 * told apart by their class (`instanceof`) and, for JetStream, by the API error code the server
 * sends — never by their text, which changes between server and client versions. The first error
 * in the `cause` chain that is recognised decides; an unrecognised one becomes `failed`
 * (not retryable) with its original text, so that a new kind of failure is shown as it is
 * rather than mistaken for an outage and retried.
 */
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { errors } from "@nats-io/transport-node";
import { SchakelError } from "../errors.ts";
import { STREAMS } from "../streams.ts";
import { parseMessageSubject } from "../subjects.ts";

/**
 * The JetStream API error codes (nats-server's errors.json) that Schakel tells apart. nats.js names
 * a few of them in `JetStreamApiCodes`; the others are the server's numbers.
 */
export const JS_API_CODES = {
  /**
   * JSAccountResourcesExceededErr: the account's JetStream limits are reached. A publication gets
   * it (status 400, "resource limits exceeded for account") once the account's `max_file` is used up.
   */
  accountResourcesExceeded: 10002,
  /**
   * JSInsufficientResourcesErr: the server's JetStream storage is used up. On nats-server 2.9 a
   * publication gets it (status 503, "insufficient resources") once the server's `max_file_store`
   * is reached, whatever the stream's own limits.
   */
  insufficientResources: 10023,
  /** JSMaximumConsumersLimitErr. */
  maximumConsumers: 10026,
  /** JSMaximumStreamsLimitErr. */
  maximumStreams: 10027,
  /** JSMemoryResourcesExceededErr. */
  memoryResourcesExceeded: 10028,
  /**
   * JSStorageResourcesExceededErr (status 500, "insufficient storage resources available"): what is
   * left of the server's or the account's file storage is too small, e.g. for a stream's max_bytes.
   */
  storageResourcesExceeded: 10047,
  /** JSStreamLimitsErrF. */
  streamLimits: 10053,
  /** JSStreamMessageExceedsMaximumErr: larger than the stream's max_msg_size. */
  messageExceedsMaximum: 10054,
  /** JSStreamNotFoundErr. */
  streamNotFound: JetStreamApiCodes.StreamNotFound,
  /** JSStreamWrongLastSequenceErrF: a compare-and-set (KV create/update) lost. */
  wrongLastSequence: JetStreamApiCodes.StreamWrongLastSequence,
  /**
   * JSStreamStoreFailedF: the stream did not store the message. On nats-server 2.9 this is what a
   * stream with discard policy "new" answers once max_msgs, max_bytes or max_msgs_per_subject is
   * reached ("maximum messages exceeded").
   */
  streamStoreFailed: 10077,
  /** JSStreamHeaderExceedsMaximumErr: headers over 64 KiB. */
  headerExceedsMaximum: 10097,
} as const;

/** API codes that mean a JetStream limit is reached: trying again unchanged does not help. */
const LIMIT_CODES: ReadonlySet<number> = new Set([
  JS_API_CODES.accountResourcesExceeded, JS_API_CODES.insufficientResources, JS_API_CODES.maximumConsumers,
  JS_API_CODES.maximumStreams, JS_API_CODES.memoryResourcesExceeded, JS_API_CODES.storageResourcesExceeded,
  JS_API_CODES.streamLimits, JS_API_CODES.streamStoreFailed,
]);

/**
 * Of the limit codes, those that mean JetStream's file storage is full (the server's, or the
 * account's share of it) rather than a limit of the stream: every Schakel stream and bucket is on
 * file storage, so raising max_msgs or max_bytes would not help.
 */
const STORAGE_FULL_CODES: ReadonlySet<number> = new Set([
  JS_API_CODES.accountResourcesExceeded, JS_API_CODES.insufficientResources, JS_API_CODES.storageResourcesExceeded,
]);

/** `err` and its causes, outermost first (at most 8: a cycle must not hang us). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (!(e instanceof Error)) break;
  }
  return chain;
}

/** The JetStream API error code of `err` or one of its causes, if any. */
export function jetStreamApiCode(err: unknown): number | undefined {
  const api = causeChain(err).find((e): e is JetStreamApiError => e instanceof JetStreamApiError);
  return api?.code;
}

const textOf = (err: unknown): string => (err instanceof Error ? err.message || err.name : String(err));

/** "notice.posted " for a live subject, "" otherwise (the subject is named anyway). */
function typeOf(subject: string): string {
  try {
    return `${parseMessageSubject(subject).type} `;
  } catch {
    return "";
  }
}

/** The stream that stores `subject` (by its root token), for messages about its limits. */
function streamOf(subject: string): string {
  const root = subject.split(".")[0];
  return Object.values(STREAMS).find((s) => s.subjects.some((f) => f === `${root}.>`))?.name ?? "the stream";
}

/** No stream listens on the subject: JetStream answered "no responders" (503). */
const noResponders = (e: unknown): boolean =>
  e instanceof errors.NoRespondersError || (e instanceof errors.RequestError && e.isNoResponders());

/** nats.js errors that mean the server was not there (or went away), not that it said no. */
const lostConnection = (e: unknown): boolean =>
  e instanceof errors.ConnectionError || e instanceof errors.ClosedConnectionError || e instanceof errors.DrainingConnectionError;

/**
 * The server closed the connection before it had checked the credentials: "Authentication
 * Timeout" (nats-server's `authorization { timeout }`, 2 s by default) — it was too busy, e.g.
 * with hundreds of connections opened at once. nats.js reports it with the same class as refused
 * credentials (`AuthorizationError.parse` recognises both from the server's `-ERR` text), so the
 * server's text is the only thing that tells them apart; we read it here and nowhere else.
 */
export const authenticationTimedOut = (e: unknown): boolean =>
  (e instanceof errors.AuthorizationError && /authentication timeout/i.test(e.message)) ||
  (e instanceof SchakelError && e.details.reason === "authentication-timeout");

/** The bus refused the credentials (or their authorisation expired); not a server too busy to check them. */
const refusedCredentials = (e: unknown): boolean =>
  ((e instanceof errors.AuthorizationError && !authenticationTimedOut(e)) || e instanceof errors.UserAuthenticationExpiredError ||
  (e instanceof SchakelError && e.code === "credentials-refused"));

/** A JetStream API error on a publication to `subject`. */
function apiError(api: JetStreamApiError, subject: string, cause: unknown): SchakelError {
  const details = { subject, jsCode: api.code, status: api.status };
  const what = `${typeOf(subject)}on ${subject}`;
  if (api.code === JS_API_CODES.messageExceedsMaximum || api.code === JS_API_CODES.headerExceedsMaximum) {
    return new SchakelError("payload-too-large", `${what} is larger than the stream's max_msg_size: shorten the text or link to a document (or raise the stream limit in provisioning)`, details, { cause });
  }
  if (STORAGE_FULL_CODES.has(api.code)) {
    const stream = streamOf(subject);
    const account = api.code === JS_API_CODES.accountResourcesExceeded;
    const full = account
      ? "the account's JetStream storage is full (the max_file of its jetstream block)"
      : "the server's JetStream storage is full (its max_file_store, or the disk under its store_dir)";
    return new SchakelError(
      "limit",
      `${stream} could not store ${what}: ${full}: ${api.message} (JetStream error ${api.code}). The message was NOT stored; nothing acknowledged before is lost, and it may be published again with the same id once there is room (it is then stored once). Operator: free disk space, raise ${account ? "the account's max_file" : "max_file_store"}, or lower the streams' retention`,
      { ...details, stream, reason: "storage-full" },
      { cause },
    );
  }
  if (LIMIT_CODES.has(api.code)) {
    const stream = streamOf(subject);
    return new SchakelError(
      "limit",
      `${stream} refused to store ${what}: ${api.message} (JetStream error ${api.code}). A limit of the stream or the account is reached: raise it in provisioning (max_msgs, max_bytes, max_msgs_per_subject) or remove old messages, then publish again`,
      { ...details, stream },
      { cause },
    );
  }
  if (api.code === JS_API_CODES.wrongLastSequence) {
    return new SchakelError("conflict", `${what} was refused: the stream changed since it was read (${api.message}); read it again and retry`, details, { cause });
  }
  // Status 503 with any other code (a cluster electing a leader, a stream offline) passes.
  if (api.status === 503) {
    return new SchakelError("unreachable", `JetStream cannot store ${what} right now: ${api.message} (JetStream error ${api.code}); retry when it is back`, details, { cause });
  }
  return new SchakelError("failed", `JetStream refused ${what}: ${api.message} (JetStream error ${api.code}, status ${api.status})`, details, { cause });
}

/**
 * The Schakel error for a failed publication of `subject` by `org`. SchakelErrors pass unchanged.
 * Outages (connection lost or closed, no stream answering, no ack in time) are retryable; limits,
 * sizes, permissions and unknown failures are not.
 */
export function publishError(err: unknown, subject: string, org: string): SchakelError {
  if (err instanceof SchakelError) return err;
  for (const e of causeChain(err)) {
    if (e instanceof JetStreamApiError) return apiError(e, subject, err);
    if (e instanceof errors.PermissionViolationError) {
      return new SchakelError("not-allowed", `the broker refused "${org}" to publish on ${subject}: an organisation publishes only as itself`, { subject, org }, { cause: err });
    }
    if (noResponders(e)) {
      return new SchakelError("unreachable", `no stream stores ${subject}: provision the streams ("schakel up" does it) and try again`, { subject }, { cause: err });
    }
    if (e instanceof errors.TimeoutError) {
      return new SchakelError("timeout", `no acknowledgement from JetStream for ${subject} in time; the message may or may not be stored — publish again with the same id to be sure`, { subject }, { cause: err });
    }
    if (lostConnection(e)) {
      return new SchakelError("unreachable", `cannot reach the bus to publish ${subject}: ${textOf(e)}; retry when it is back`, { subject }, { cause: err });
    }
  }
  return new SchakelError("failed", `publishing ${subject} as "${org}" failed: ${textOf(err)}`, { subject, org }, { cause: err });
}

/**
 * The Schakel error for a failed first connection of `org` to `servers`: refused credentials
 * (`credentials-refused`, not retryable), a server that is not there or too busy to check the
 * credentials in time after `attempts` tries (`unreachable`, retryable; `details.reason`
 * "authentication-timeout" for the latter), or anything else (`failed`, with the original text).
 */
export function connectError(err: unknown, servers: string[], org: string, attempts = 1): SchakelError {
  const where = servers.join(", ");
  const details = { servers, org };
  const chain = causeChain(err);
  if (chain.some(authenticationTimedOut)) {
    return new SchakelError("unreachable", `the bus at ${where} did not check the credentials of "${org}" in time (authentication timeout, ${attempts} attempt${attempts === 1 ? "" : "s"}): the server is overloaded — too many connections at once or still loading — not refusing the credentials; retry when it is less busy`, { ...details, reason: "authentication-timeout", attempts }, { cause: err });
  }
  if (chain.some(refusedCredentials)) {
    return new SchakelError("credentials-refused", `the bus at ${where} refused the credentials of "${org}": regenerate them with "schakel identities generate" and restart the server`, details, { cause: err });
  }
  const gone = chain.find((e) => lostConnection(e) || e instanceof errors.TimeoutError);
  if (gone) return new SchakelError("unreachable", `cannot reach the bus at ${where} (${textOf(gone)}): is "schakel up" running?`, details, { cause: err });
  return new SchakelError("failed", `connecting to the bus at ${where} as "${org}" failed: ${textOf(err)}`, details, { cause: err });
}

/** Why an operation failed for want of the bus: it refused the credentials, or it was not there. */
export type ConnectionFailure = { kind: "credentials-refused" } | { kind: "unreachable"; reason: string };

/**
 * Whether `err` (or one of its causes) means the bus refused the credentials or could not be
 * reached — with the shortest text that says why ("connection refused") — or undefined when it is
 * about something else (a missing stream, a limit, bad input), where waiting would not help.
 */
export function connectionFailure(err: unknown): ConnectionFailure | undefined {
  const chain = causeChain(err);
  if (chain.some(refusedCredentials)) return { kind: "credentials-refused" };
  if (chain.some(authenticationTimedOut)) return { kind: "unreachable", reason: "the server is too busy to check credentials (authentication timeout)" };
  // The nats.js error says it shortest ("connection refused"); the bus client keeps it as the cause.
  const gone = chain.find((e) => lostConnection(e) || e instanceof errors.TimeoutError || noResponders(e));
  return gone ? { kind: "unreachable", reason: textOf(gone) } : undefined;
}
