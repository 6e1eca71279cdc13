/**
 * The ledger of what the read model no longer holds in memory. Records leave the model a chunk at
 * a time (the oldest CHUNK_SIZE); of each chunk the model keeps only where its messages lie in
 * the streams (per stream the first and last sequence), which stream each position came from (a
 * byte per message, so a re-read lays them out in the order they were first read), and which of
 * its positions posted a notice that left the notice book. That is all it takes to read the chunk
 * again from the streams (older-records.ts) and to page through old notices; a million messages
 * leave about a megabyte of ledger where they would have taken 1.5 GB as records.
 */
import type { FlowRecord } from "./record.ts";

/** Records that leave memory together. */
export const CHUNK_SIZE = 1_000;

/** Where one stream's messages of a chunk lie. */
export interface ChunkRange {
  stream: string;
  /** First and last stream sequence of the chunk's messages of this stream. */
  from: number;
  to: number;
}

/** One chunk of records that left memory. */
export interface Chunk {
  /** The ingest position of its first record; its records had positions firstPos … firstPos + count − 1. */
  firstPos: number;
  count: number;
  ranges: ChunkRange[];
  /** For each position, the index in `ranges` of the stream it came from. */
  order: Uint8Array;
  /** Offsets (from firstPos, ascending) of the records that first posted a notice which left the notice book with this chunk. */
  notices: Uint16Array;
}

/** The ledger entry of `records` (consecutive positions, oldest first); `noticeOffsets` as in Chunk.notices. */
export function chunkOf(records: readonly FlowRecord[], noticeOffsets: number[]): Chunk {
  const ranges: ChunkRange[] = [];
  const order = new Uint8Array(records.length);
  records.forEach((r, i) => {
    let k = ranges.findIndex((x) => x.stream === r.stream);
    if (k < 0) k = ranges.push({ stream: r.stream, from: r.seq, to: r.seq }) - 1;
    const range = ranges[k]!;
    range.from = Math.min(range.from, r.seq);
    range.to = Math.max(range.to, r.seq);
    order[i] = k;
  });
  return { firstPos: records[0]?.pos ?? 0, count: records.length, ranges, order, notices: Uint16Array.from(noticeOffsets.sort((a, b) => a - b)) };
}

/** The chunk holding position `pos`, by binary search over the ledger (oldest first); undefined outside it. */
export function chunkAt(ledger: readonly Chunk[], pos: number): { chunk: Chunk; index: number } | undefined {
  let lo = 0;
  let hi = ledger.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = ledger[mid]!;
    if (pos < c.firstPos) hi = mid - 1;
    else if (pos >= c.firstPos + c.count) lo = mid + 1;
    else return { chunk: c, index: mid };
  }
  return undefined;
}
