/**
 * A message as the broker stored it, and what the bus client's decode path makes of it. Every
 * reader — services, the trace indexer, the console, the CLI feed, the auditor — sees stored
 * messages through these types, so decoding, the replay rules and the clock tolerance (the bus's
 * `skewMs`) are applied in one place.
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { MessageType } from "../catalog.ts";
import type { Envelope } from "../envelope.ts";
import { isSandboxSubject, parseSandboxSubject } from "../subjects.ts";
import type { Bus } from "./bus.ts";
import { decodeMessage } from "./decode.ts";
import { HEADERS } from "./headers.ts";
import { reject, type Rejection } from "./rejection.ts";
import { poolable, type SignatureCheck, type SignedMessage } from "./crypto-pool.ts";

/** The headers of a stored message, read-only (names as stored; a name may repeat). */
export interface StoredHeaders {
  /** The first value of `name`, or "" when absent. */
  get(name: string): string;
  values(name: string): string[];
  keys(): string[];
}

/** A stored message, raw: its bytes and headers exactly as the broker keeps them. */
export interface StoredMessage {
  stream: string;
  seq: number;
  subject: string;
  /** The broker's storage time (millisecond precision). */
  storedAt: Date;
  /** The broker's storage time in nanoseconds, as it reported it. */
  storedAtNanos: number;
  headers: StoredHeaders | undefined;
  body: Uint8Array;
  /** How often the consumer delivered it (1 for ordered reads and feed slots). */
  deliveryCount: number;
  /** Messages left on the consumer after this one (the server's count). */
  pending: number;
}

/** What decoding made of a stored message: a typed, verified envelope, or the reason it was refused. */
export type Verdict =
  | { ok: true; type: MessageType; envelope: Envelope; storedAt: Date; replay?: string }
  | { ok: false; rejection: Rejection };

export interface VerifyOptions {
  /**
   * Accept replayed copies (a sandbox subject or the replay header): they are checked against
   * their live subject and original storage time, without the clock check. Otherwise (live
   * readers) they are refused with `replay-refused`.
   */
  replays?: boolean;
}

/** A header value, or undefined when absent or when the header block cannot be read. */
export function headerOf(headers: StoredHeaders | undefined, name: string): string | undefined {
  try {
    return headers?.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The stored message a consumer delivered (no copy of the body). */
export function storedOf(m: JsMsg): StoredMessage {
  return {
    stream: m.info.stream, seq: m.seq, subject: m.subject, storedAt: new Date(m.info.timestampNanos / 1e6), storedAtNanos: m.info.timestampNanos,
    headers: m.headers, body: m.data, deliveryCount: m.info.deliveryCount, pending: m.info.pending,
  };
}

/**
 * Decodes and verifies a stored message with the bus's key directory and clock tolerance
 * (`bus.skewMs`): signature, key at storage time, clock, type, sender's role, data schema. Never
 * throws: a refusal is returned as data, for the reader to file, skip or show. `checkSignature`:
 * a worker's outcome for this message (crypto-pool.ts `checkWith`), used only if it applies.
 */
export function verifyStored(bus: Pick<Bus, "directory" | "skewMs">, m: Pick<StoredMessage, "subject" | "body" | "headers" | "storedAt">, opts: VerifyOptions = {}, checkSignature?: SignatureCheck): Verdict {
  const replay = headerOf(m.headers, HEADERS.replay);
  const isSandbox = isSandboxSubject(m.subject);
  if ((isSandbox || replay) && !opts.replays) {
    return { ok: false, rejection: reject("replay-refused", `replayed copy (${replay ?? "sandbox"}) reached a live service; run it in replay mode to act on replays`) };
  }
  let signedSubject = m.subject;
  if (isSandbox) {
    try {
      signedSubject = parseSandboxSubject(m.subject).liveSubject;
    } catch (err) {
      return { ok: false, rejection: reject("subject-mismatch", (err as Error).message) };
    }
  }
  // A replayed copy is checked as of its original storage time (keys revoked since still count).
  const originalTime = replay ? headerOf(m.headers, HEADERS.replayOriginalTime) : undefined;
  const storedAt = originalTime ? new Date(originalTime) : m.storedAt;
  const decoded = decodeMessage(
    {
      subject: signedSubject, body: m.body, signature: headerOf(m.headers, HEADERS.signature), storedAt,
      // A replayed copy's message id names its replay run, not the envelope.
      headers: { contentType: headerOf(m.headers, HEADERS.contentType), traceparent: headerOf(m.headers, HEADERS.traceparent), msgId: headerOf(m.headers, HEADERS.msgId), checkMsgId: !(replay || isSandbox), streamSource: headerOf(m.headers, HEADERS.streamSource), waitedIn: headerOf(m.headers, HEADERS.waitedIn) },
    },
    checkSignature ? { directory: bus.directory, skewMs: bus.skewMs, checkSkew: !replay, checkSignature } : { directory: bus.directory, skewMs: bus.skewMs, checkSkew: !replay },
  );
  if (!decoded.ok) return decoded;
  return replay ? { ok: true, type: decoded.type, envelope: decoded.envelope, storedAt, replay } : { ok: true, type: decoded.type, envelope: decoded.envelope, storedAt };
}

/**
 * What `verifyStored` will verify the signature of (the live subject of a sandbox copy), for a
 * worker to verify ahead; undefined when there is nothing a worker could verify (no or malformed
 * signature header, unreadable sandbox subject): such a message is decided inline.
 */
export function signedOf(m: Pick<StoredMessage, "subject" | "body" | "headers">): SignedMessage | undefined {
  const header = headerOf(m.headers, HEADERS.signature);
  if (!poolable(header)) return undefined;
  if (!isSandboxSubject(m.subject)) return { subject: m.subject, body: m.body, header };
  try {
    return { subject: parseSandboxSubject(m.subject).liveSubject, body: m.body, header };
  } catch {
    return undefined;
  }
}
