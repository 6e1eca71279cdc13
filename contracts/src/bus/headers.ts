/**
 * NATS header names Schakel uses (written and read only through these constants) and the rules for
 * their values: the structured-mode content type, a replayed copy's message id, ASCII only.
 */
export const HEADERS = {
  /** CloudEvents NATS binding: structured content mode (the body is the whole event). */
  contentType: "Content-Type",
  signature: "Schakel-Signature",
  traceparent: "traceparent",
  tracestate: "tracestate",
  msgId: "Nats-Msg-Id",
  /** Set by the hub's server on a message it sourced (from a leaf's OUTBOX): `<stream>[:<hash>] <seq>`. */
  streamSource: "Nats-Stream-Source",
  /**
   * Set by a re-drive on the copy of a message whose original had waited in a leaf's OUTBOX (the
   * stream's name): receivers give the copy the OUTBOX's freshness allowance, as the original had.
   */
  waitedIn: "Schakel-Waited-In",
  /** Set on replayed copies: the sandbox name or "handler". */
  replay: "Schakel-Replay",
  replayOriginalSeq: "Schakel-Replay-Original-Seq",
  replayOriginalTime: "Schakel-Replay-Original-Time",
  /** Dead-letter records. */
  reason: "Schakel-Reason",
  detail: "Schakel-Detail",
  sourceStream: "Schakel-Source-Stream",
  sourceSeq: "Schakel-Source-Seq",
  sourceSubject: "Schakel-Source-Subject",
  /** The original's Nats-Stream-Source, when the hub had sourced it (from a leaf's OUTBOX). */
  sourceOrigin: "Schakel-Source-Origin",
  consumer: "Schakel-Consumer",
} as const;

/**
 * The message id of a replayed copy: `<run>:<stream>:<seq>` — the replay run's id and where the
 * original is stored, so a copy repeated within one run is stored once and two runs copy twice.
 */
export function replayCopyId(runId: string, stream: string, seq: number): string {
  return `${runId}:${stream}:${seq}`;
}
/** The pattern of {@link replayCopyId} (the AsyncAPI document's sandbox headers). */
export const REPLAY_COPY_ID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[A-Z][A-Z0-9_-]*:[0-9]+$";

/** The `Content-Type` of every message Schakel sends: a CloudEvents event in structured mode. */
export const CLOUDEVENTS_JSON = "application/cloudevents+json";

/**
 * A header value as printable ASCII on one line: a header is read by clients in every language,
 * and some decode non-ASCII header bytes as Latin-1 (a "…" arrives as three garbled characters).
 * "…" becomes "...", other non-ASCII characters `\u{hex}`, control characters a space; at most
 * `max` characters.
 */
export function asciiHeaderValue(value: string, max = 1_000): string {
  return value
    .replace(/\u2026/g, "...")
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/[^\u0020-\u007e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .slice(0, max);
}

/**
 * Bytes a message's headers take on the wire, which nats-server counts against max_payload
 * together with the body. The string form of nats.js headers is their wire form.
 */
export function headerBytes(h: { toString(): string }): number {
  return Buffer.byteLength(h.toString());
}
