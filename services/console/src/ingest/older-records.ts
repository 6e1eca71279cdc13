/**
 * Reading back what left the read model's memory, through the bus client's one read path:
 * - a chunk of the ledger: per stream, a feed (`openFeed`, the organisation's own feed slots and
 *   filters) from the chunk's first sequence to its last, every message verified again, laid out
 *   in the order the chunk was first read;
 * - the messages of a trace (or of the trace a message, notice or request id names): looked up in
 *   the platform's trace index (`@schakel/tracing`: one pointer read, one page read per 100
 *   messages), then read from the streams at the sequences the index gives, again verified.
 * Reads are one at a time (each claims a feed slot while it runs), and the last few chunks read
 * are kept, so paging on through old pages does not read a chunk twice. An organisation's own
 * console (`readAs`) cannot read the platform's trace index: its old traces are found only while
 * their messages are in memory or on a page read back.
 */
import { readableFilters } from "@schakel/infra";
import { openFeed, type Bus, type FeedMessage, type FeedSource } from "@schakel/contracts/bus";
import { lookupTrace, TraceIndex } from "@schakel/tracing";
import type { Chunk } from "../model/ledger.ts";
import type { OlderRecords, ReadMessage } from "../model/read-model.ts";

/** Sequences closer than this are read in one pass (reading through the gap) rather than two. */
const GAP = 2_000;
/** Chunks kept after reading (a page of old notices or feed rows often needs the next one too). */
const CACHED_CHUNKS = 4;

const readMessage = (m: FeedMessage): ReadMessage | undefined =>
  m.verdict.ok ? { type: m.verdict.type, envelope: m.verdict.envelope, at: { stream: m.stream, seq: m.seq, storedAt: m.storedAtNanos / 1e6 } } : undefined;

export interface OlderRecordsOptions {
  /** Operator notes (a chunk or trace that could not be read). */
  onNote?: (note: string) => void;
}

/** Reads older records as the bus's organisation, which must be the one the console reads as. */
export function olderRecords(bus: Bus, opts: OlderRecordsOptions = {}): OlderRecords {
  const sources = readableFilters(bus.directory.require(bus.org));
  const platform = bus.directory.require(bus.org).roles.includes("platform");
  let index: Promise<TraceIndex | undefined> | undefined;
  const traceIndex = (): Promise<TraceIndex | undefined> => {
    index ??= platform ? TraceIndex.open(bus).catch((err: Error) => {
      opts.onNote?.(`no trace index to read old traces from (${err.message})`);
      index = undefined;
      return undefined;
    }) : Promise.resolve(undefined);
    return index;
  };
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const cache = new Map<number, Promise<ReadMessage[]>>();

  /** The verified messages of `stream` with sequences from..to that `keep` accepts, in stream order. */
  async function readRange(stream: string, from: number, to: number, keep: (seq: number) => boolean = () => true): Promise<FeedMessage[]> {
    const streamSources: FeedSource[] = sources.filter((s) => s.stream === stream);
    if (!streamSources.length) return [];
    const feed = await openFeed(bus, { kind: "after-seq", seq: from - 1 }, { sources: streamSources, batch: 500, description: `schakel console older records ${bus.org}` });
    const out: FeedMessage[] = [];
    try {
      await feed.history((m) => {
        if (m.seq > to) return false;
        if (keep(m.seq)) out.push(m);
        return true;
      });
    } finally {
      await feed.close();
    }
    return out;
  }

  async function readChunk(chunk: Chunk): Promise<ReadMessage[]> {
    const perStream = await Promise.all(chunk.ranges.map(async (r) => {
      const seen = new Set<string>();
      // A message refused when first read is refused again; a copy of one read already is skipped.
      return (await readRange(r.stream, r.from, r.to)).map(readMessage).filter((m): m is ReadMessage => {
        if (!m || seen.has(m.envelope.id)) return false;
        seen.add(m.envelope.id);
        return true;
      });
    }));
    const next = chunk.ranges.map(() => 0);
    const out: ReadMessage[] = [];
    for (const k of chunk.order) {
      const m = perStream[k]![next[k]!++];
      if (m) out.push(m);
    }
    return out;
  }

  async function readSequences(stream: string, seqs: number[]): Promise<ReadMessage[]> {
    const sorted = [...new Set(seqs)].sort((a, b) => a - b);
    const wanted = new Set(sorted);
    const out: ReadMessage[] = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1]! - sorted[j]! <= GAP) j++;
      for (const m of await readRange(stream, sorted[i]!, sorted[j]!, (seq) => wanted.has(seq))) {
        const read = readMessage(m);
        if (read) out.push(read);
      }
      i = j + 1;
    }
    return out;
  }

  return {
    chunk(chunk) {
      let read = cache.get(chunk.firstPos);
      if (!read) {
        read = oneAtATime(() => readChunk(chunk));
        cache.set(chunk.firstPos, read);
        read.catch(() => cache.delete(chunk.firstPos));
        while (cache.size > CACHED_CHUNKS) cache.delete(cache.keys().next().value!);
      }
      return read;
    },
    async traces(ids) {
      const idx = await traceIndex();
      if (!idx || !ids.length) return [];
      const found = await Promise.all(ids.map((id) => lookupTrace(idx, id).catch(() => undefined)));
      const byStream = new Map<string, number[]>();
      for (const trace of found) for (const e of trace?.entries ?? []) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e.seq]);
      return oneAtATime(async () => (await Promise.all([...byStream].map(([stream, seqs]) => readSequences(stream, seqs)))).flat());
    },
  };
}
