/**
 * The trace index in the platform's KV bucket `traces`:
 *   trace.<traceId>      page 0 of the trace's entries, plus the page count and a drop counter
 *   trace.<traceId>.<n>  later pages (PAGE_SIZE entries each, at most MAX_PAGES pages)
 *   msg.<messageId>      → trace id        notice.<noticeId> → trace id
 * Every write is a compare-and-set on the key's revision, so two indexers (a restarted platform
 * next to a stale one) never lose each other's entries. A lookup reads the head page and then
 * the other pages in parallel: its cost grows with the trace, not with the stream, because each
 * read is a last-by-subject get that the server answers from its per-subject index.
 */
import { z } from "zod";
import { BUCKETS, isMessageUuid, isTraceId, SchakelError, TRACE_KEYS } from "@schakel/contracts";
import { openBucket, RecordBucket, TextRecords, type BucketUser } from "@schakel/contracts/bus";
import { byStorage, TraceEntry } from "./entry.ts";

/** Entries per KV value (about 40 KB), and pages per trace: a trace keeps at most 5,000 messages. */
export const PAGE_SIZE = 100;
export const MAX_PAGES = 50;

/** One page of a trace's entries, stored as JSON under `trace.<traceId>[.<n>]`. */
export const TracePage = z.object({
  v: z.literal(1),
  entries: z.array(TraceEntry),
  /** Head page only: how many pages the trace has, and how many entries were dropped past the bound. */
  pages: z.number().int().positive().optional(),
  dropped: z.number().int().nonnegative().optional(),
});
export type TracePage = z.infer<typeof TracePage>;

/** The bucket behind the index: pages as typed records, pointers (`msg.`, `notice.`) as bare trace ids. */
export interface TraceStore {
  pages: Pick<RecordBucket<typeof TracePage>, "get" | "create" | "update">;
  pointers: Pick<TextRecords, "get" | "put" | "createIfAbsent">;
}

/** A trace as the index holds it, in flow order. */
export interface IndexedTrace {
  traceId: string;
  entries: TraceEntry[];
  /** Messages past the per-trace bound that are not listed. */
  dropped: number;
}

/** How an id given by a user was resolved. */
export interface ResolvedTrace {
  traceId: string;
  via: "trace" | "message" | "notice";
}

/** Compare-and-set attempts before an append gives up (only many concurrent writers get there). */
const ATTEMPTS = 20;

export class TraceIndex {
  constructor(readonly store: TraceStore) {}

  /** Opens the `traces` bucket as someone allowed to use it (the platform's Bus or the admin's connection); throws when it is not there. */
  static async open(user: BucketUser): Promise<TraceIndex> {
    // One bucket, opened once, read two ways.
    const kv = await openBucket(user, BUCKETS.traces);
    return new TraceIndex({ pages: new RecordBucket(kv, TracePage, "trace index page"), pointers: new TextRecords(kv, "trace index pointer") });
  }

  #page(traceId: string, page: number): Promise<{ value: TracePage; revision: number } | undefined> {
    return this.store.pages.get(TRACE_KEYS.trace(traceId, page));
  }

  /** Writes a page with compare-and-set (create when `revision` is undefined); false when another writer got there first. */
  async #write(traceId: string, page: number, value: TracePage, revision: number | undefined): Promise<boolean> {
    const key = TRACE_KEYS.trace(traceId, page);
    if (revision === undefined) return (await this.store.pages.create(key, value)).created;
    return (await this.store.pages.update(key, value, revision)).ok;
  }

  /**
   * Appends entries (in flow order) to a trace; entries already on the last page (a redelivery)
   * are skipped. Retries compare-and-set conflicts; throws SchakelError("conflict") after
   * repeated conflicts, and the KV error when the bus fails.
   */
  async append(traceId: string, entries: TraceEntry[]): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) if (await this.#appendOnce(traceId, entries)) return;
    throw new SchakelError("conflict", `the trace index page of trace ${traceId} kept changing under ${ATTEMPTS} attempts to append to it; the indexer retries the messages`, { traceId });
  }

  /** One attempt; false when a compare-and-set lost and the whole append must be tried again. */
  async #appendOnce(traceId: string, entries: TraceEntry[]): Promise<boolean> {
    const head = await this.#page(traceId, 0);
    if (!head) {
      const first = entries.slice(0, PAGE_SIZE);
      if (!(await this.#write(traceId, 0, { v: 1, entries: first, pages: 1 }, undefined))) return false;
      if (entries.length > first.length) await this.append(traceId, entries.slice(first.length));
      return true;
    }
    const pages = head.value.pages ?? 1;
    const last = pages === 1 ? head : await this.#page(traceId, pages - 1);
    // The head counts a page that cannot be read (yet): read again.
    if (!last) return false;
    const seen = new Set(last.value.entries.map((e) => `${e.stream}#${e.seq}`));
    const fresh = entries.filter((e) => !seen.has(`${e.stream}#${e.seq}`));
    if (!fresh.length) return true;
    const room = PAGE_SIZE - last.value.entries.length;
    if (room > 0) {
      const value = { ...last.value, entries: [...last.value.entries, ...fresh.slice(0, room)] };
      if (!(await this.#write(traceId, pages - 1, value, last.revision))) return false;
      if (fresh.length > room) await this.append(traceId, fresh.slice(room));
      return true;
    }
    if (pages >= MAX_PAGES) {
      return this.#write(traceId, 0, { ...head.value, dropped: (head.value.dropped ?? 0) + fresh.length }, head.revision);
    }
    if (!(await this.#write(traceId, pages, { v: 1, entries: fresh.slice(0, PAGE_SIZE) }, undefined))) {
      // The page exists but the head does not count it yet: repair the count, then retry.
      await this.#write(traceId, 0, { ...head.value, pages: pages + 1 }, head.revision);
      return false;
    }
    await this.#countPage(traceId, pages + 1);
    if (fresh.length > PAGE_SIZE) await this.append(traceId, fresh.slice(PAGE_SIZE));
    return true;
  }

  async #countPage(traceId: string, pages: number): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const head = await this.#page(traceId, 0);
      if (!head || (head.value.pages ?? 1) >= pages) return;
      if (await this.#write(traceId, 0, { ...head.value, pages }, head.revision)) return;
    }
  }

  /** Points a message id and (for notice.posted) a notice id at their trace. */
  async point(traceId: string, messageId: string, noticeId?: string): Promise<void> {
    const writes: Promise<unknown>[] = [this.store.pointers.put(TRACE_KEYS.message(messageId), traceId)];
    // The first copy of a notice names its trace; later copies (same notice) are not repointed.
    if (noticeId) writes.push(this.store.pointers.createIfAbsent(TRACE_KEYS.notice(noticeId), traceId));
    await Promise.all(writes);
  }

  /**
   * The messages of a trace in flow order, or undefined when the index has no such trace.
   * Cost: one KV get for the head page, then one per further page of 100 entries, in parallel.
   */
  async lookupTrace(traceId: string): Promise<IndexedTrace | undefined> {
    if (!isTraceId(traceId)) return undefined;
    const head = await this.#page(traceId, 0);
    if (!head) return undefined;
    const more = Array.from({ length: (head.value.pages ?? 1) - 1 }, (_, i) => this.#page(traceId, i + 1));
    const pages = [head, ...(await Promise.all(more))];
    // A redelivery that straddled a page boundary may be listed twice: keep one.
    const unique = new Map(pages.flatMap((p) => p?.value.entries ?? []).map((e) => [`${e.stream}#${e.seq}`, e]));
    const entries = [...unique.values()].sort(byStorage);
    return { traceId, entries, dropped: head.value.dropped ?? 0 };
  }

  /** Resolves a trace id, message id or notice id to a trace id (one or two KV gets). */
  async resolve(id: string): Promise<ResolvedTrace | undefined> {
    const wanted = id.trim().toLowerCase();
    if (isTraceId(wanted)) return { traceId: wanted, via: "trace" };
    if (!isMessageUuid(wanted)) return undefined;
    const byMessage = await this.store.pointers.get(TRACE_KEYS.message(wanted));
    if (byMessage) return { traceId: byMessage.value, via: "message" };
    const byNotice = await this.store.pointers.get(TRACE_KEYS.notice(wanted));
    if (byNotice) return { traceId: byNotice.value, via: "notice" };
    return undefined;
  }
}

/**
 * Looks a trace up by trace id, message id or notice id: at most two pointer reads and one read
 * per 100 messages of the trace, whatever the size of the stream. Undefined when not indexed.
 */
export async function lookupTrace(index: TraceIndex, id: string): Promise<(IndexedTrace & { via: ResolvedTrace["via"] }) | undefined> {
  const resolved = await index.resolve(id);
  if (!resolved) return undefined;
  const trace = await index.lookupTrace(resolved.traceId);
  return trace ? { ...trace, via: resolved.via } : undefined;
}
