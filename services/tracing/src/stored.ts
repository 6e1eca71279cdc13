/**
 * The stored messages behind index entries, read by stream and sequence: exactly what JetStream
 * holds (subject, headers, body bytes, storage time), as plain data, so `schakel trace --json`
 * shows the record and replay copies it byte for byte.
 */
import type { OperatorConnection, StoredMessage as BusStoredMessage } from "@schakel/contracts/bus";
import type { TraceEntry } from "./entry.ts";

/** One message as stored in its stream. */
export interface StoredMessage {
  stream: string;
  seq: number;
  subject: string;
  /** The broker's storage time (ISO, millisecond precision). */
  storedAt: string;
  headers: Record<string, string>;
  /** The exact body bytes (the signed envelope). */
  body: Uint8Array;
}

const dec = new TextDecoder();

/** The envelope of a stored message as JSON (it was verified when it was indexed). */
export function envelopeOf(m: StoredMessage): Record<string, unknown> {
  return JSON.parse(dec.decode(m.body)) as Record<string, unknown>;
}

/** A stored message as the bus client reads it, as plain data (a repeated header's values joined by ", "). */
export function plainStored(m: BusStoredMessage): StoredMessage {
  const headers: Record<string, string> = {};
  for (const k of m.headers?.keys() ?? []) headers[k] = m.headers!.values(k).join(", ");
  return { stream: m.stream, seq: m.seq, subject: m.subject, storedAt: m.storedAt.toISOString(), headers, body: m.body };
}

/** Reads one stored message; undefined when it expired or was never there. Throws the bus client's error when the stream is not there. */
export async function readStored(op: OperatorConnection, stream: string, seq: number): Promise<StoredMessage | undefined> {
  const m = await op.storedMessage(stream, seq);
  return m ? plainStored(m) : undefined;
}

/**
 * The stored messages of index entries, in the entries' order (parallel reads, one per entry).
 * Entries whose message has expired from the stream are listed in `missing`.
 */
export async function loadStored(op: OperatorConnection, entries: TraceEntry[]): Promise<{ messages: StoredMessage[]; missing: TraceEntry[] }> {
  const read = await Promise.all(entries.map((e) => readStored(op, e.stream, e.seq).catch(() => undefined)));
  const messages: StoredMessage[] = [];
  const missing: TraceEntry[] = [];
  read.forEach((m, i) => (m ? messages.push(m) : missing.push(entries[i]!)));
  return { messages, missing };
}
