/**
 * The questions of the pages that may reach past the read model's memory (read-model.ts, ledger.ts):
 * a feed page below the oldest record in memory, a page of notices older than those in the
 * notice book, and the notice, trace or message an id names when it has left memory. Each asks
 * what is in memory first and reads back only what it lacks, through the model's `older` source
 * (the streams and the trace index); what is read back goes into a scratch model of its own, so
 * every view is computed by the same code whether its records were in memory or not.
 */
import { chunkAt, type Chunk } from "./ledger.ts";
import { feedMatcher, feedPage, type FeedFilter, type FeedPage } from "./feed-query.ts";
import { noticePage, summarise, type NoticePage, type NoticeQuery } from "./notice-query.ts";
import { ReadModel, type ReadMessage } from "./read-model.ts";
import { recordOf, type FlowRecord } from "./record.ts";
import { canSee, type Viewpoint } from "./visibility.ts";
import type { NoticeState } from "./notice-book.ts";

/** Chunks read back for one feed page at most; a narrow filter over old records continues on the next page. */
const CHUNKS_PER_PAGE = 3;

/** The records of a chunk that left memory, at their positions. */
export async function chunkRecords(model: ReadModel, chunk: Chunk): Promise<FlowRecord[]> {
  const read = await model.older!.chunk(chunk);
  return read.map((m, i) => recordOf(m.type, m.envelope, m.at, model.directory, chunk.firstPos + i));
}

/** A model of just `messages` (in storage order), resolving acting persons as `model` does. */
export function scratchModel(model: ReadModel, messages: readonly ReadMessage[]): ReadModel {
  const scratch = new ReadModel(model.directory);
  scratch.usePersons(model.persons);
  const ordered = [...messages].sort((a, b) => a.at.storedAt - b.at.storedAt || (a.at.stream === b.at.stream ? a.at.seq - b.at.seq : a.at.stream < b.at.stream ? -1 : 1));
  for (const m of ordered) scratch.ingest(m.type, m.envelope, m.at);
  scratch.complete = true;
  return scratch;
}

/**
 * The model that holds what `id` (a trace, message, notice or request id) names: the read model
 * when it is in memory, else a scratch model of the trace(s) read back; undefined when neither
 * knows it.
 */
export async function modelFor(model: ReadModel, id: string): Promise<ReadModel | undefined> {
  if (model.lookup(id).records.length || model.notices.notices.get(id)?.known) return model;
  if (!model.older) return undefined;
  const read = await model.older.traces([id]);
  return read.length ? scratchModel(model, read) : undefined;
}

/**
 * A notice, from memory or read back, with the model its records are in (for the read audit);
 * undefined when unknown. A notice still open in memory whose body left with its records gets its
 * body from the notice read back; its receipts are the ones in memory.
 */
export async function olderNotice(model: ReadModel, noticeId: string): Promise<{ notice: NoticeState; model: ReadModel } | undefined> {
  const inMemory = model.notices.notices.get(noticeId);
  if (inMemory?.bodyLeft && model.older) {
    const read = scratchModel(model, await model.older.traces([noticeId])).notices.notices.get(noticeId);
    return { notice: read?.known ? { ...inMemory, body: read.body } : inMemory, model };
  }
  const holder = await modelFor(model, noticeId);
  const notice = holder?.notices.notices.get(noticeId);
  return holder && notice?.known ? { notice, model: holder } : undefined;
}

/**
 * One page of the feed, newest first: from memory, then, below the oldest record in memory, from
 * the chunks read back (at most CHUNKS_PER_PAGE per page; `before` then continues below them).
 * `total` counts every matching message for the platform without filters, else those in memory
 * (`counted: "recent"`).
 */
export async function feedPageWithOlder(model: ReadModel, viewer: Viewpoint, filter: FeedFilter, opts: { before?: number; limit?: number } = {}): Promise<FeedPage> {
  const page = feedPage(model, viewer, filter, opts);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const unfiltered = viewer.platform && Object.keys(filter).length === 0;
  const counted = { total: page.total + (unfiltered ? model.firstInMemory : 0), counted: unfiltered || !model.ledger.length ? "all" as const : "recent" as const };
  if (!model.ledger.length || !model.older) return { ...page, ...counted };
  if (page.items.length >= limit) return { ...page, ...counted, before: page.items[page.items.length - 1]!.pos };
  const items = [...page.items];
  const match = feedMatcher(filter, model.directory);
  let cursor = Math.min(opts.before ?? Infinity, model.firstInMemory);
  let index = cursor > 0 ? (chunkAt(model.ledger, cursor - 1)?.index ?? -1) : -1;
  for (let read = 0; index >= 0 && read < CHUNKS_PER_PAGE && items.length < limit; read++, index--) {
    const chunk = model.ledger[index]!;
    const records = await chunkRecords(model, chunk);
    for (let i = records.length - 1; i >= 0 && items.length < limit; i--) {
      const r = records[i]!;
      if (r.pos >= cursor || !canSee(viewer, r) || !match(r)) continue;
      items.push(r);
    }
    cursor = items.length >= limit ? items[items.length - 1]!.pos : chunk.firstPos;
  }
  const more = cursor > 0 && (items.length >= limit || index >= 0);
  return { items, ...counted, ...(more ? { before: items.length >= limit ? items[items.length - 1]!.pos : cursor } : {}) };
}

/**
 * A page of notices, newest first. For the platform without filters the notices that left the
 * notice book count too: past those in memory, a page reads back the chunks where they were posted
 * and their traces (for the receipts). Filtered pages and other viewpoints page what is in memory.
 */
export async function noticePageWithOlder(model: ReadModel, viewer: Viewpoint, q: NoticeQuery = {}, now = Date.now()): Promise<NoticePage> {
  const left = model.ledger.reduce((n, c) => n + c.notices.length, 0);
  if (!viewer.platform || q.sender || q.text?.trim() || q.status || !left || !model.older) return noticePage(model.notices, viewer, q, now);
  const list = model.notices.list;
  const pageSize = Math.min(Math.max(q.pageSize ?? 25, 1), 200);
  const total = list.length + left;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(q.page ?? 1, 1), pages);
  const start = (page - 1) * pageSize;
  const end = Math.min(total, start + pageSize);
  const items = [];
  for (let i = start; i < Math.min(end, list.length); i++) items.push(summarise(list[list.length - 1 - i]!, viewer, now));
  if (end > list.length) {
    // Older notices, newest first: chunk by chunk from the newest, each chunk's from its last.
    let skip = Math.max(0, start - list.length);
    let need = end - Math.max(start, list.length);
    const wanted: { chunk: Chunk; offset: number }[] = [];
    for (let c = model.ledger.length - 1; c >= 0 && need > 0; c--) {
      const chunk = model.ledger[c]!;
      for (let k = chunk.notices.length - 1; k >= 0 && need > 0; k--) {
        if (skip > 0) skip--;
        else {
          wanted.push({ chunk, offset: chunk.notices[k]! });
          need--;
        }
      }
    }
    const posted: FlowRecord[] = [];
    for (const chunk of new Set(wanted.map((w) => w.chunk))) {
      const records = await chunkRecords(model, chunk);
      for (const w of wanted) if (w.chunk === chunk) {
        const r = records.find((x) => x.pos === chunk.firstPos + w.offset) ?? records[w.offset];
        if (r?.reference) posted.push(r);
      }
    }
    const ids = posted.map((r) => r.reference!);
    const traced = scratchModel(model, await model.older.traces(ids));
    for (const id of ids) {
      const n = traced.notices.notices.get(id);
      if (n?.known) items.push(summarise(n, viewer, now));
    }
  }
  return { items, page, pageSize, total, pages };
}
