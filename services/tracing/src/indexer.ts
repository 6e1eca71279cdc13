/**
 * The trace indexer: runs in the platform process, reads every live message through the
 * platform's durable `<platform>--traces` consumers (COORD and CASE), verifies it exactly as a
 * receiving service would (signature, key, skew, schema) and records it in the trace index, then
 * acknowledges it. What is acknowledged is indexed; a crash redelivers the rest.
 *
 * Throughput: messages of different traces are indexed concurrently; entries of one trace that
 * arrive while its page is being written are appended together in the next write, so a busy trace
 * costs one compare-and-set per batch rather than per message.
 */
import type { JsMsg } from "@nats-io/jetstream";
import { isMessageType, traceIndexConsumers, type InboxConsumer } from "@schakel/contracts";
import { decodeMessage, HEADERS, type Bus } from "@schakel/contracts/bus";
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
  const index = await TraceIndex.open(bus.js);
  const consumers = opts.consumers ?? traceIndexConsumers(bus.org);
  const emit = opts.onEvent ?? (() => {});
  const limit = opts.concurrency ?? 256;
  const stats = { indexed: 0, skipped: 0 };
  const queues = new Map<string, Pending[]>();
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  let stopped = false;
  const stops: (() => void)[] = [];

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

  function skip(m: JsMsg, reason: string, detail: string): void {
    m.ack();
    stats.skipped++;
    emit({ kind: "skipped", stream: m.info.stream, seq: m.seq, reason, detail });
  }

  function handle(m: JsMsg): Promise<void> | void {
    if (m.headers?.get(HEADERS.replay)) return skip(m, "replay", "a replayed copy on a live subject is not part of any flow");
    const storedAt = new Date(m.info.timestampNanos / 1e6);
    const decoded = decodeMessage(
      { subject: m.subject, body: m.data, signature: m.headers?.get(HEADERS.signature) || undefined, storedAt },
      { directory: bus.directory, skewMs: bus.skewMs },
    );
    if (!decoded.ok) return skip(m, decoded.rejection.reason, decoded.rejection.detail);
    if (!isMessageType(decoded.type)) return skip(m, "unknown-type", decoded.type);
    const { traceId, entry } = entryOf(decoded.type, decoded.envelope, { stream: m.info.stream, seq: m.seq, subject: m.subject, storedAt });
    return new Promise<void>((resolve) => {
      enqueue(traceId, {
        entry,
        ...(decoded.type === "notice.posted" && entry.ref ? { notice: entry.ref } : {}),
        done: () => {
          m.ack();
          stats.indexed++;
          emit({ kind: "indexed", traceId, id: entry.id, stream: entry.stream, seq: entry.seq });
          resolve();
        },
        failed: (err) => {
          m.nak(1_000);
          emit({ kind: "error", consumer: `${m.info.stream}/${m.info.consumer}`, error: (err as Error)?.message ?? String(err) });
          resolve();
        },
      });
    });
  }

  async function run(c: InboxConsumer): Promise<void> {
    while (!stopped) {
      try {
        const consumer = await bus.js.consumers.get(c.stream, c.name);
        const messages = await consumer.consume({ max_messages: Math.min(limit, 512) });
        stops.push(() => void messages.stop());
        if (stopped) messages.stop();
        for await (const m of messages) {
          while (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
          inFlight++;
          void Promise.resolve()
            .then(() => handle(m))
            .catch((err) => skip(m, "unreadable", (err as Error)?.message ?? String(err)))
            .finally(() => {
              inFlight--;
              waiting.splice(0).forEach((w) => w());
            });
          if (stopped) break;
        }
      } catch (err) {
        if (stopped) break;
        emit({ kind: "error", consumer: `${c.stream}/${c.name}`, error: (err as Error)?.message ?? String(err) });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  const loops = Promise.all(consumers.map(run));
  return {
    index,
    stats,
    async stop() {
      stopped = true;
      for (const s of stops) s();
      await loops;
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
