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
import { Kvm, type KV, type KvEntry } from "@nats-io/kv";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { BUCKETS, isMessageUuid, isTraceId, TRACE_KEYS } from "@schakel/contracts";
import { byStorage, TraceEntry } from "./entry.ts";

/** Entries per KV value (about 40 KB), and pages per trace: a trace keeps at most 5,000 messages. */
export const PAGE_SIZE = 100;
export const MAX_PAGES = 50;

const Page = z.object({
  v: z.literal(1),
  entries: z.array(TraceEntry),
  /** Head page only: how many pages the trace has, and how many entries were dropped past the bound. */
  pages: z.number().int().positive().optional(),
  dropped: z.number().int().nonnegative().optional(),
});
type Page = z.infer<typeof Page>;

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

const enc = new TextEncoder();
const isConflict = (err: unknown): boolean => /wrong last sequence|key exists|10071/i.test(String((err as Error)?.message ?? err));

export class TraceIndex {
  constructor(readonly kv: KV) {}

  /** Opens the `traces` bucket with a connection allowed to use it (the platform or the admin). */
  static async open(nc: NatsConnection | JetStreamClient): Promise<TraceIndex> {
    return new TraceIndex(await new Kvm(nc).open(BUCKETS.traces));
  }

  async #page(traceId: string, page: number): Promise<{ value: Page; revision: number } | undefined> {
    const e: KvEntry | null = await this.kv.get(TRACE_KEYS.trace(traceId, page));
    if (!e || e.operation !== "PUT") return undefined;
    const parsed = Page.safeParse(e.json());
    if (!parsed.success) throw new Error(`trace index key ${e.key} does not hold a page: ${parsed.error.issues[0]?.message}`);
    return { value: parsed.data, revision: e.revision };
  }

  #write(traceId: string, page: number, value: Page, revision: number | undefined): Promise<number> {
    const key = TRACE_KEYS.trace(traceId, page);
    const bytes = enc.encode(JSON.stringify(value));
    return revision === undefined ? this.kv.create(key, bytes) : this.kv.update(key, bytes, revision);
  }

  /**
   * Appends entries (in flow order) to a trace; entries already on the last page (a redelivery)
   * are skipped. Retries compare-and-set conflicts; throws after repeated conflicts or KV errors.
   */
  async append(traceId: string, entries: TraceEntry[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#appendOnce(traceId, entries);
      } catch (err) {
        if (!isConflict(err) || attempt >= 20) throw err;
      }
    }
  }

  async #appendOnce(traceId: string, entries: TraceEntry[]): Promise<void> {
    const head = await this.#page(traceId, 0);
    if (!head) {
      const first = entries.slice(0, PAGE_SIZE);
      await this.#write(traceId, 0, { v: 1, entries: first, pages: 1 }, undefined);
      if (entries.length > first.length) await this.append(traceId, entries.slice(first.length));
      return;
    }
    const pages = head.value.pages ?? 1;
    const last = pages === 1 ? head : await this.#page(traceId, pages - 1);
    if (!last) {
      // A writer stopped between creating page n and counting it: count it and retry.
      throw new Error("wrong last sequence: page count behind");
    }
    const seen = new Set(last.value.entries.map((e) => `${e.stream}#${e.seq}`));
    const fresh = entries.filter((e) => !seen.has(`${e.stream}#${e.seq}`));
    if (!fresh.length) return;
    const room = PAGE_SIZE - last.value.entries.length;
    if (room > 0) {
      const value = { ...last.value, entries: [...last.value.entries, ...fresh.slice(0, room)] };
      await this.#write(traceId, pages - 1, value, last.revision);
      if (fresh.length > room) await this.append(traceId, fresh.slice(room));
      return;
    }
    if (pages >= MAX_PAGES) {
      await this.#write(traceId, 0, { ...head.value, dropped: (head.value.dropped ?? 0) + fresh.length }, head.revision);
      return;
    }
    try {
      await this.#write(traceId, pages, { v: 1, entries: fresh.slice(0, PAGE_SIZE) }, undefined);
    } catch (err) {
      if (!isConflict(err)) throw err;
      // The page exists but the head does not count it yet: repair the count, then retry.
      await this.#write(traceId, 0, { ...head.value, pages: pages + 1 }, head.revision);
      throw err;
    }
    await this.#countPage(traceId, pages + 1);
    if (fresh.length > PAGE_SIZE) await this.append(traceId, fresh.slice(PAGE_SIZE));
  }

  async #countPage(traceId: string, pages: number): Promise<void> {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const head = await this.#page(traceId, 0);
      if (!head || (head.value.pages ?? 1) >= pages) return;
      try {
        await this.#write(traceId, 0, { ...head.value, pages }, head.revision);
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  /** Points a message id and (for notice.posted) a notice id at their trace. */
  async point(traceId: string, messageId: string, noticeId?: string): Promise<void> {
    const writes = [this.kv.put(TRACE_KEYS.message(messageId), traceId)];
    // The first copy of a notice names its trace; later copies (same notice) are not repointed.
    if (noticeId) writes.push(this.kv.create(TRACE_KEYS.notice(noticeId), traceId).catch((err) => (isConflict(err) ? 0 : Promise.reject(err))));
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
    const byMessage = await this.kv.get(TRACE_KEYS.message(wanted));
    if (byMessage?.operation === "PUT") return { traceId: byMessage.string(), via: "message" };
    const byNotice = await this.kv.get(TRACE_KEYS.notice(wanted));
    if (byNotice?.operation === "PUT") return { traceId: byNotice.string(), via: "notice" };
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
