/**
 * The trace indexer: runs in the platform process, reads every live message through the
 * platform's durable `<platform>--traces` consumers (COORD and CASE), verifies it exactly as a
 * receiving service would (signature, key, skew, schema) and records it in the trace index, then
 * acknowledges it. What is acknowledged is indexed; a crash redelivers the rest.
 *
 * Messages are read through the bus client's read path (`readStream`), which decodes and verifies
 * them with the bus's clock tolerance and keeps the consumers pulling through reconnects.
 *
 * Throughput: messages of different traces are indexed concurrently; entries of one trace that
 * arrive while its page is being written are appended together in the next write, so a busy trace
 * costs one compare-and-set per batch rather than per message.
 */
import { traceIndexConsumers, type InboxConsumer } from "@schakel/contracts";
import { readStream, type Bus, type StreamRead, type StreamReading } from "@schakel/contracts/bus";
import { entryOf, type TraceEntry } from "./entry.ts";
import { TraceIndex } from "./index-store.ts";

export type IndexEvent =
  | { kind: "indexed"; traceId: string; id: string; stream: string; seq: number }
  | { kind: "skipped"; stream: string; seq: number; reason: string; detail: string }
  | { kind: "error"; consumer: string; error: string };

export interface TraceIndexerOptions {
  /** Default: the platform's `<org>--traces` consumers on COORD and CASE. */
  consumers?: InboxConsumer[];
  /** Messages indexed at the same time (default 256; below the consumers' max_ack_pending). */
  concurrency?: number;
  onEvent?: (e: IndexEvent) => void;
}

export interface TraceIndexer {
  readonly index: TraceIndex;
  /** Messages indexed and skipped (unverifiable or replayed copies) since start. */
  readonly stats: { indexed: number; skipped: number };
  stop(): Promise<void>;
}

interface Pending {
  entry: TraceEntry;
  notice?: string;
  done: () => void;
  failed: (err: unknown) => void;
}

/**
 * Starts indexing with `bus` (the platform organisation's connection). Resolves once the index
 * bucket is open; consumer trouble is retried every second and reported through `onEvent`.
 */
export async function startTraceIndexer(bus: Bus, opts: TraceIndexerOptions = {}): Promise<TraceIndexer> {
  const index = await TraceIndex.open(bus);
  const consumers = opts.consumers ?? traceIndexConsumers(bus.org);
  const emit = opts.onEvent ?? (() => {});
  const limit = opts.concurrency ?? 256;
  const stats = { indexed: 0, skipped: 0 };
  const queues = new Map<string, Pending[]>();
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  async function drain(traceId: string, queue: Pending[]): Promise<void> {
    while (queue.length) {
      const batch = queue.splice(0, queue.length);
      try {
        await index.append(traceId, batch.map((p) => p.entry));
        await Promise.all(batch.map((p) => index.point(traceId, p.entry.id, p.notice)));
        batch.forEach((p) => p.done());
      } catch (err) {
        batch.forEach((p) => p.failed(err));
      }
    }
    queues.delete(traceId);
  }

  function enqueue(traceId: string, p: Pending): void {
    const queue = queues.get(traceId);
    if (queue) return void queue.push(p);
    const fresh = [p];
    queues.set(traceId, fresh);
    void drain(traceId, fresh);
  }

  function skip(m: StreamRead, reason: string, detail: string): void {
    m.ack();
    stats.skipped++;
    emit({ kind: "skipped", stream: m.stream, seq: m.seq, reason, detail });
  }

  function handle(m: StreamRead): Promise<void> | void {
    const verdict = m.verdict!;
    if (!verdict.ok) {
      if (verdict.rejection.reason === "replay-refused") return skip(m, "replay", "a replayed copy on a live subject is not part of any flow");
      return skip(m, verdict.rejection.reason, verdict.rejection.detail);
    }
    const { traceId, entry } = entryOf(verdict.type, verdict.envelope, { stream: m.stream, seq: m.seq, subject: m.subject, storedAt: m.storedAt });
    return new Promise<void>((resolve) => {
      enqueue(traceId, {
        entry,
        ...(verdict.type === "notice.posted" && entry.ref ? { notice: entry.ref } : {}),
        done: () => {
          m.ack();
          stats.indexed++;
          emit({ kind: "indexed", traceId, id: entry.id, stream: entry.stream, seq: entry.seq });
          resolve();
        },
        failed: (err) => {
          m.nak(1_000);
          emit({ kind: "error", consumer: `${m.stream}/${m.consumer}`, error: (err as Error)?.message ?? String(err) });
          resolve();
        },
      });
    });
  }

  /** Reads one consumer; up to `limit` messages (over all consumers) are indexed at once. */
  function run(c: InboxConsumer): StreamReading {
    return readStream(bus, {
      consumer: c, batch: Math.min(limit, 512),
      onInterrupted: (error) => emit({ kind: "error", consumer: `${c.stream}/${c.name}`, error }),
    }, async (m) => {
      while (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
      inFlight++;
      void Promise.resolve()
        .then(() => handle(m))
        .catch((err) => skip(m, "unreadable", (err as Error)?.message ?? String(err)))
        .finally(() => {
          inFlight--;
          waiting.splice(0).forEach((w) => w());
        });
    });
  }

  const readings = consumers.map(run);
  return {
    index,
    stats,
    async stop() {
      for (const r of readings) r.stop();
      await Promise.all(readings.map((r) => r.closed));
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
