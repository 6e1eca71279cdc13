/**
 * The console's read model: every verified message of the coordination (and the metadata of
 * case consultations) in ingest order, indexed by trace, plus the notice book. It lives in
 * memory and is rebuilt from the streams at start, so it never disagrees with the bus for long
 * and needs no storage of its own.
 *
 * Bounded: with a `window`, only the newest `window` records (and what is still open: notices
 * awaiting an acknowledgement, unanswered requests) stay in memory. Older records leave a chunk
 * at a time and are noted in the ledger (ledger.ts), from which older pages, a notice's page and
 * a trace of an old message are read back on demand (older-records.ts). Without a window (a model
 * filled by hand, with no bus to read back from) it keeps everything.
 */
import type { DataOf, Envelope, GlossaryAdopted, MessageType } from "@schakel/contracts";
import { PersonIndex, type KeyDirectory, type Rejection } from "@schakel/contracts/bus";
import { learnGlossary } from "./glossary.ts";
import { chunkAt, chunkOf, CHUNK_SIZE, type Chunk } from "./ledger.ts";
import { NoticeBook } from "./notice-book.ts";
import { recordOf, type FlowRecord, type StoredAt } from "./record.ts";

/** A verified message as read from a stream, before it becomes a record. */
export interface ReadMessage {
  type: MessageType;
  envelope: Envelope;
  at: StoredAt;
}

/**
 * Where records that left memory are read back from: the streams (a chunk of the ledger) and the
 * trace index (the messages of the traces some ids name). The console's is `olderRecords` (its
 * bus); a model without one serves what it holds.
 */
export interface OlderRecords {
  /** The verified messages of a chunk, oldest first, as the chunk's order lays them out. */
  chunk(chunk: Chunk): Promise<ReadMessage[]>;
  /** The verified messages of the traces that these ids (trace, message, notice or request ids) name; empty when none is known. */
  traces(ids: readonly string[]): Promise<ReadMessage[]>;
}

export interface ReadModelOptions {
  /** Records kept in memory at least (up to CHUNK_SIZE more wait to leave together); default: all of them. */
  window?: number;
  /** Where records that left memory are read back from. */
  older?: OlderRecords;
}

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
  #records: FlowRecord[] = [];
  /** Position of #records[0]; every position below it has left memory (see ledger). */
  #first = 0;
  readonly #window: number;
  /** The chunks that left memory, oldest first. */
  readonly ledger: Chunk[] = [];
  readonly older: OlderRecords | undefined;
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

  constructor(readonly directory: KeyDirectory, opts: ReadModelOptions = {}) {
    this.notices = new NoticeBook(directory);
    this.#window = Math.max(1, opts.window ?? Infinity);
    this.older = opts.older;
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

  /** The records in memory, in ingest order (oldest first). Read-only by convention: the model owns them. */
  get records(): readonly FlowRecord[] {
    return this.#records;
  }

  /** Every record ingested so far, in memory or not. */
  get size(): number {
    return this.#first + this.#records.length;
  }

  /** The position of the oldest record in memory (= how many have left it). */
  get firstInMemory(): number {
    return this.#first;
  }

  /** The record at ingest position `pos`, if it is in memory. */
  at(pos: number): FlowRecord | undefined {
    return pos >= this.#first ? this.#records[pos - this.#first] : undefined;
  }

  /**
   * Adds one verified message: `envelope.data` has passed the catalog schema of `type` (the
   * bus client's decode path guarantees it). Returns its record, or undefined for an envelope
   * id already seen (a sender's retry stored twice, or a re-read after the feed reconnected).
   */
  ingest(type: MessageType, envelope: Envelope, at: StoredAt): FlowRecord | undefined {
    if (this.#byId.has(envelope.id)) return undefined;
    const record = recordOf(type, envelope, at, this.directory, this.size);
    this.#byId.set(envelope.id, record.pos);
    this.#records.push(record);
    if (this.#records.length >= this.#window + CHUNK_SIZE) this.#leave();
    if (record.reference) {
      const about = this.#byReference.get(record.reference);
      if (about) about.push(record.pos);
      else this.#byReference.set(record.reference, [record.pos]);
    }
    let trace = this.#byTrace.get(record.traceId);
    if (!trace) this.#byTrace.set(record.traceId, (trace = []));
    trace.push(record.pos);
    this.#apply(type, record, envelope.data);
    if (type === "glossary.adopted") learnGlossary((envelope.data as GlossaryAdopted).glossary);
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        // A broken listener (a closed browser tab) must not stop ingestion.
      }
    }
    return record;
  }

  /** The oldest chunk leaves memory: out of the indexes and the notice book, into the ledger. */
  #leave(): void {
    const leaving = this.#records.slice(0, CHUNK_SIZE);
    this.#records = this.#records.slice(CHUNK_SIZE);
    this.#first += leaving.length;
    const below = this.#first;
    const trim = (index: Map<string, number[]>, key: string | undefined) => {
      const list = key === undefined ? undefined : index.get(key);
      if (!list) return;
      let n = 0;
      while (n < list.length && list[n]! < below) n++;
      if (n === list.length) index.delete(key!);
      else if (n) list.splice(0, n);
    };
    for (const r of leaving) {
      this.#byId.delete(r.id);
      trim(this.#byTrace, r.traceId);
      trim(this.#byReference, r.reference);
    }
    const { left, later } = this.notices.leave(leaving);
    for (const pos of later) {
      const home = chunkAt(this.ledger, pos);
      if (home) home.chunk.notices = Uint16Array.from([...home.chunk.notices, pos - home.chunk.firstPos].sort((a, b) => a - b));
    }
    this.ledger.push(chunkOf(leaving, left.map((pos) => pos - leaving[0]!.pos)));
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
      case "signal.raised": return book.signals.raised(r, data as DataOf<"signal.raised">);
      case "signal.triaged": return book.signals.triaged(r, data as DataOf<"signal.triaged">);
      case "signal.acknowledged": return book.signals.acknowledged(r, data as DataOf<"signal.acknowledged">);
      case "signal.reported": return book.signals.reported(r, data as DataOf<"signal.reported">);
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
   * The records an id names among those in memory, as the CLI's `trace` finds them: the records of a trace (by trace
   * id), one message (by its envelope id), or the messages about a notice, request or signal (by
   * that business id). Empty when the id names nothing here. Callers apply visibility.
   */
  lookup(id: string): { via: "trace" | "message" | "reference"; records: FlowRecord[] } {
    if (this.#byTrace.has(id)) return { via: "trace", records: this.trace(id) };
    const pos = this.#byId.get(id);
    if (pos !== undefined) return { via: "message", records: [this.at(pos)!] };
    return { via: "reference", records: (this.#byReference.get(id) ?? []).map((p) => this.at(p)!) };
  }

  /** The records of one trace in ingest order; proportional to the trace, not the stream. */
  trace(traceId: string): FlowRecord[] {
    return (this.#byTrace.get(traceId) ?? []).map((p) => this.at(p)!);
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
