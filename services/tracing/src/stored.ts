/**
 * The stored messages behind index entries, read by stream and sequence: exactly what JetStream
 * holds (subject, headers, body bytes, storage time), so `schakel trace --json` shows the record
 * and replay copies it byte for byte.
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { TraceEntry } from "./entry.ts";

/** One message as stored in its stream. */
export interface StoredMessage {
  stream: string;
  seq: number;
  subject: string;
  /** The broker's storage time (ISO, as the server reports it). */
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

/** Reads one stored message; undefined when it expired or was never there. */
export async function readStored(jsm: JetStreamManager, stream: string, seq: number): Promise<StoredMessage | undefined> {
  const m = await jsm.streams.getMessage(stream, { seq });
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of m.header ?? []) headers[k] = v.join(", ");
  return { stream, seq: m.seq, subject: m.subject, storedAt: m.timestamp, headers, body: m.data };
}

/**
 * The stored messages of index entries, in the entries' order (parallel reads, one per entry).
 * Entries whose message has expired from the stream are listed in `missing`.
 */
export async function loadStored(jsm: JetStreamManager, entries: TraceEntry[]): Promise<{ messages: StoredMessage[]; missing: TraceEntry[] }> {
  const read = await Promise.all(entries.map((e) => readStored(jsm, e.stream, e.seq).catch(() => undefined)));
  const messages: StoredMessage[] = [];
  const missing: TraceEntry[] = [];
  read.forEach((m, i) => (m ? messages.push(m) : missing.push(entries[i]!)));
  return { messages, missing };
}
