/**
 * Dead letters as the CLI shows them: one record of the DEADLETTER stream read back (who refused
 * what, why, where the original was stored) and the original's envelope metadata — never its
 * data, which may be sealed case content or anything a forger wrote. Read as the data folder's
 * admin operator, by storage time or by sequence.
 */
import { ALL_DEADLETTER, deadLetterFilter, STREAMS } from "@schakel/contracts";
import { HEADERS, type OperatorConnection, type StoredMessage } from "@schakel/contracts/bus";

/** One dead letter, as listed. */
export interface DeadLetter {
  seq: number;
  storedAt: string;
  /** The organisation whose consumer refused it (`deadletter.<org>.<reason>`). */
  organisation: string;
  /** The durable consumer that refused it. */
  consumer: string | null;
  reason: string;
  detail: string;
  /** Where the original is stored, and the live subject it was sent on. */
  source: { stream: string | null; seq: number | null; subject: string | null };
  /** Size of the original bytes kept in the record. */
  bytes: number;
}

/** What a dead letter says about its original: the envelope's attributes without `data`. */
export type EnvelopeMetadata = Record<string, string | number>;

/** The envelope attributes shown (CloudEvents attributes and Schakel's extensions; never `data`). */
const METADATA = [
  "id", "type", "sender", "audience", "time", "source", "specversion", "dataversion", "dataschema", "datacontenttype",
  "classification", "correlationid", "causationid", "traceparent", "tracestate", "signingkey", "actor", "actorrole",
] as const;

/** A header value, or undefined when absent or unreadable. */
export function headerValue(m: Pick<StoredMessage, "headers">, name: string): string | undefined {
  try {
    return m.headers?.get(name) || undefined;
  } catch {
    return undefined;
  }
}

const seqOf = (text: string | undefined): number | null => (text && /^\d+$/.test(text) ? Number(text) : null);

/** The dead letter a DEADLETTER message records. */
export function deadLetterOf(m: StoredMessage): DeadLetter {
  return {
    seq: m.seq, storedAt: m.storedAt.toISOString(), organisation: m.subject.split(".")[1] ?? "",
    consumer: headerValue(m, HEADERS.consumer) ?? null, reason: headerValue(m, HEADERS.reason) ?? "unknown", detail: headerValue(m, HEADERS.detail) ?? "",
    source: { stream: headerValue(m, HEADERS.sourceStream) ?? null, seq: seqOf(headerValue(m, HEADERS.sourceSeq)), subject: headerValue(m, HEADERS.sourceSubject) ?? null },
    bytes: m.body.length,
  };
}

/** Every header of a stored message, one line per value. */
export function headersOf(m: Pick<StoredMessage, "headers">): [string, string][] {
  try {
    return (m.headers?.keys() ?? []).flatMap((k) => m.headers!.values(k).map((v): [string, string] => [k, v]));
  } catch {
    return [];
  }
}

/**
 * The envelope metadata of a dead letter's original bytes, or a sentence saying why there is none
 * (not UTF-8 JSON, not an object). Long values are cut at 200 characters.
 */
export function envelopeMetadataOf(body: Uint8Array): { envelope: EnvelopeMetadata } | { unreadable: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return { unreadable: `the ${body.length} original bytes are not UTF-8 JSON` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { unreadable: "the original is JSON but not an envelope (no object)" };
  const envelope: EnvelopeMetadata = {};
  for (const k of METADATA) {
    const v = (json as Record<string, unknown>)[k];
    if (typeof v === "string") envelope[k] = v.slice(0, 200);
    else if (typeof v === "number") envelope[k] = v;
  }
  return { envelope };
}

/** What to list: the refusing organisation, the reason, stored since, after a sequence (the previous page's last). */
export interface DeadLetterQuery {
  org?: string;
  reason?: string;
  since?: Date;
  after?: number;
}

/** The dead letters matching `q`, oldest first. Throws the JetStream error when the stream cannot be read. */
export async function* readDeadLetters(op: OperatorConnection, q: DeadLetterQuery): AsyncGenerator<DeadLetter> {
  const filter = q.org ? deadLetterFilter(q.org) : ALL_DEADLETTER;
  for await (const m of op.readRange({ stream: STREAMS.deadletter.name, filter, since: q.since ?? new Date(0), ...(q.after !== undefined ? { afterSeq: q.after } : {}) })) {
    const d = deadLetterOf(m);
    if (q.reason === undefined || d.reason === q.reason) yield d;
  }
}

/** One page of dead letters: at most `limit`, and whether more match after the last one. */
export async function deadLetterPage(op: OperatorConnection, q: DeadLetterQuery, limit: number): Promise<{ rows: DeadLetter[]; more: boolean }> {
  const rows: DeadLetter[] = [];
  for await (const d of readDeadLetters(op, q)) {
    if (rows.length === limit) return { rows, more: true };
    rows.push(d);
  }
  return { rows, more: false };
}

/** The DEADLETTER message at `seq`, or undefined when the stream holds none there. Throws the JetStream error otherwise. */
export function deadLetterAt(op: OperatorConnection, seq: number): Promise<StoredMessage | undefined> {
  return op.storedMessage(STREAMS.deadletter.name, seq);
}
