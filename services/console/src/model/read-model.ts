/**
 * The console's read model: every verified message of the coordination (and the metadata of
 * case consultations) in ingest order, indexed by trace, plus the notice book. It lives in
 * memory — 100,000 records are a few tens of MB — and is rebuilt from the streams at start, so
 * it never disagrees with the bus for long and needs no storage of its own.
 */
import type { DataOf, Envelope, MessageType } from "@schakel/contracts";
import { PersonIndex, type KeyDirectory, type Rejection } from "@schakel/contracts/bus";
import { NoticeBook } from "./notice-book.ts";
import { recordOf, type FlowRecord, type StoredAt } from "./record.ts";

/** A message the console refused to show (signature, schema…), kept for the operator. */
export interface RefusedMessage {
  stream: string;
  seq: number;
  subject: string;
  reason: string;
  detail: string;
}

export type RecordListener = (record: FlowRecord) => void;

export class ReadModel {
  readonly notices: NoticeBook;
  readonly #records: FlowRecord[] = [];
  readonly #byTrace = new Map<string, number[]>();
  /** Envelope id → ingest position. */
  readonly #byId = new Map<string, number>();
  /** Business id (notice id, request id…) → the positions of the messages about it. */
  readonly #byReference = new Map<string, number[]>();
  readonly #listeners = new Set<RecordListener>();
  readonly refused: RefusedMessage[] = [];
  readonly #refusedKeys = new Set<string>();
  refusedCount = 0;
  /** Streams whose backlog has been read up to the end at least once. */
  readonly caughtUp = new Set<string>();
  /** True once every stream's backlog is read: figures are complete from then on. */
  complete = false;
  #persons = PersonIndex.empty;

  constructor(readonly directory: KeyDirectory) {
    this.notices = new NoticeBook(directory);
  }

  /**
   * Resolves acting persons' pseudonyms through `index` (see persons.ts: `personIndexOf` builds it
   * from the persons list and the credentials the console holds); until then they show as pseudonyms.
   */
  usePersons(index: PersonIndex): void {
    this.#persons = index;
    this.notices.usePersons(index);
  }

  /** The index acting persons are resolved with (empty until `usePersons`). */
  get persons(): PersonIndex {
    return this.#persons;
  }

  /** Records in ingest order (oldest first). Read-only by convention: the model owns them. */
  get records(): readonly FlowRecord[] {
    return this.#records;
  }

  get size(): number {
    return this.#records.length;
  }

  /**
   * Adds one verified message: `envelope.data` has passed the catalog schema of `type` (the
   * bus client's decode path guarantees it). Returns its record, or undefined for an envelope
   * id already seen (a sender's retry stored twice, or a re-read after the feed reconnected).
   */
  ingest(type: MessageType, envelope: Envelope, at: StoredAt): FlowRecord | undefined {
    if (this.#byId.has(envelope.id)) return undefined;
    const record = recordOf(type, envelope, at, this.directory, this.#records.length);
    this.#byId.set(envelope.id, record.pos);
    this.#records.push(record);
    if (record.reference) {
      const about = this.#byReference.get(record.reference);
      if (about) about.push(record.pos);
      else this.#byReference.set(record.reference, [record.pos]);
    }
    let trace = this.#byTrace.get(record.traceId);
    if (!trace) this.#byTrace.set(record.traceId, (trace = []));
    trace.push(record.pos);
    this.#apply(type, record, envelope.data);
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        // A broken listener (a closed browser tab) must not stop ingestion.
      }
    }
    return record;
  }

  #apply(type: MessageType, r: FlowRecord, data: unknown): void {
    const book = this.notices;
    switch (type) {
      case "notice.posted": return book.posted(r, data as DataOf<"notice.posted">);
      case "notice.delivered": return book.delivered(r, data as DataOf<"notice.delivered">);
      case "notice.acknowledged": return book.acknowledged(r, data as DataOf<"notice.acknowledged">);
      case "escalation.raised": return book.escalated(r, data as DataOf<"escalation.raised">);
      case "coordination.requested": return book.requested(r, data as DataOf<"coordination.requested">);
      case "coordination.responded": return book.responded(r, data as DataOf<"coordination.responded">);
      default: return;
    }
  }

  /** Notes a message that failed verification; the last 200 are kept with their reason. */
  refuse(stream: string, seq: number, subject: string, rejection: Rejection): void {
    // A feed that resumes after an interruption may read a refused message again: count it once.
    const key = `${stream}/${seq}`;
    if (this.#refusedKeys.has(key)) return;
    this.#refusedKeys.add(key);
    this.refusedCount++;
    this.refused.push({ stream, seq, subject, reason: rejection.reason, detail: rejection.detail });
    if (this.refused.length > 200) this.refused.shift();
  }

  /**
   * The records an id names, as the CLI's `trace` finds them: the records of a trace (by trace
   * id), one message (by its envelope id), or the messages about a notice, request or signal (by
   * that business id). Empty when the id names nothing here. Callers apply visibility.
   */
  lookup(id: string): { via: "trace" | "message" | "reference"; records: FlowRecord[] } {
    if (this.#byTrace.has(id)) return { via: "trace", records: this.trace(id) };
    const pos = this.#byId.get(id);
    if (pos !== undefined) return { via: "message", records: [this.#records[pos]!] };
    return { via: "reference", records: (this.#byReference.get(id) ?? []).map((p) => this.#records[p]!) };
  }

  /** The records of one trace in ingest order; proportional to the trace, not the stream. */
  trace(traceId: string): FlowRecord[] {
    return (this.#byTrace.get(traceId) ?? []).map((p) => this.#records[p]!);
  }

  /** The most recent traces (newest first), for the trace index page. */
  recentTraces(limit: number, accept: (r: FlowRecord) => boolean = () => true): string[] {
    const seen = new Set<string>();
    for (let i = this.#records.length - 1; i >= 0 && seen.size < limit; i--) {
      const r = this.#records[i]!;
      if (accept(r)) seen.add(r.traceId);
    }
    return [...seen];
  }

  /** Calls `listener` for every record ingested from now on; returns the unsubscribe function. */
  subscribe(listener: RecordListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
