/**
 * Whether a dead letter's original would pass a receiver today: the bus client's own decode
 * (`decodeMessage`) with the current key directory and clock-skew tolerance, as of now — the
 * time the broker will store the re-driven copy, so a key revoked since, or a tolerance still too
 * small for the message's age, refuses it here as every receiver would. The headers checked are
 * those that will be sent: the signature and trace context the record kept, and the content type
 * and tracestate of the original where the source stream still holds it (otherwise structured
 * mode, what every sender of this release announces). The message id is not checked: the copy
 * goes out with the envelope id, which is what receivers require. An original that waited in a
 * leaf's OUTBOX is judged with the OUTBOX's allowance, and its copy says so (Schakel-Waited-In).
 */
import { isSandboxSubject, LEAF, parseMessageSubject, ROOTS } from "@schakel/contracts";
import { CLOUDEVENTS_JSON, decodeMessage, HEADERS, sourcedFromOutbox, type KeyDirectory, type RedriveOriginal, type StoredMessage } from "@schakel/contracts/bus";
import { headerValue } from "./records.ts";

/** Why a dead letter is not re-driven: a receiver's rejection reason, or one of the re-drive's own. */
export interface Refusal {
  reason: string;
  detail: string;
}

export type Recheck = { ok: true; original: RedriveOriginal } | { ok: false; refusal: Refusal };

export interface RecheckOptions {
  directory: KeyDirectory;
  skewMs: number;
  /** The time the copy will be stored (default: now). */
  now?: Date;
}

const refused = (reason: string, detail: string): Recheck => ({ ok: false, refusal: { reason, detail } });

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/**
 * Checks the original a dead-letter record holds. `source` is the original as its stream still
 * stores it (Schakel-Source-Stream/-Seq), if it does.
 */
export function recheck(record: StoredMessage, source: StoredMessage | undefined, opts: RecheckOptions): Recheck {
  const subject = headerValue(record, HEADERS.sourceSubject);
  if (!subject) return refused("no-source", "the record names no original subject (Schakel-Source-Subject): there is nowhere to re-drive it to");
  if (headerValue(record, HEADERS.replay) || isSandboxSubject(subject)) {
    return refused("replay-refused", `the original on ${subject} is a replayed copy: replays go to a sandbox, never to live subjects`);
  }
  let root: string;
  try {
    root = parseMessageSubject(subject).root;
  } catch (err) {
    return refused("subject-mismatch", (err as Error).message);
  }
  if (root === ROOTS.reads) return refused("not-redriven", `${subject} is a read record: only coordination and case messages are re-driven`);
  // The source stream's copy, when it is the same bytes, tells the headers the record did not keep.
  const original = source && sameBytes(source.body, record.body) ? source : undefined;
  const contentType = original ? headerValue(original, HEADERS.contentType) : CLOUDEVENTS_JSON;
  const tracestate = original ? headerValue(original, HEADERS.tracestate) : undefined;
  const signature = headerValue(record, HEADERS.signature);
  const traceparent = headerValue(record, HEADERS.traceparent);
  // An original that waited in a leaf's OUTBOX (the record says so, or its stored copy does) keeps
  // that allowance: the copy says where it waited, and receivers judge its age as the original's.
  const origin = headerValue(record, HEADERS.sourceOrigin) ?? (original && (headerValue(original, HEADERS.streamSource) ?? headerValue(original, HEADERS.waitedIn)));
  const waitedIn = sourcedFromOutbox(origin, LEAF.outboxStream) ? LEAF.outboxStream : undefined;
  const decoded = decodeMessage(
    { subject, body: record.body, signature, storedAt: opts.now ?? new Date(), headers: { contentType, traceparent, checkMsgId: false, waitedIn } },
    { directory: opts.directory, skewMs: opts.skewMs },
  );
  if (!decoded.ok) return refused(decoded.rejection.reason, decoded.rejection.detail);
  const headers: Record<string, string> = {};
  for (const [k, v] of [[HEADERS.contentType, contentType], [HEADERS.signature, signature], [HEADERS.traceparent, traceparent], [HEADERS.tracestate, tracestate], [HEADERS.waitedIn, waitedIn]] as const) {
    if (v) headers[k] = v;
  }
  return { ok: true, original: { subject, body: record.body, id: decoded.envelope.id, headers } };
}
