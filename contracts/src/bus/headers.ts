/** NATS header names Schakel uses; written and read only through these constants. */
export const HEADERS = {
  signature: "Schakel-Signature",
  traceparent: "traceparent",
  tracestate: "tracestate",
  msgId: "Nats-Msg-Id",
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
  consumer: "Schakel-Consumer",
} as const;

/**
 * Bytes a message's headers take on the wire, which nats-server counts against max_payload
 * together with the body. The string form of nats.js headers is their wire form.
 */
export function headerBytes(h: { toString(): string }): number {
  return Buffer.byteLength(h.toString());
}
