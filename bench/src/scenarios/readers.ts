/**
 * The two ways a scenario reads a consumer: raw nats.js (pull, explicit ack) and the Schakel bus
 * (`bus.consume`: parse, validate, verify, trace, handler, ack). Both stop after `count`
 * messages and call `seen(i)` for the i-th one in stream order, right after acking it.
 */
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { InboxConsumer } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";

export interface Reader {
  /** Resolves once `count` messages were handled and acked. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Raw pull consumer with explicit ack; `work` runs before the ack (e.g. one verify for the crypto limit). */
export async function rawReader(nc: NatsConnection, c: InboxConsumer, count: number, batch: number, seen: (i: number) => void, work?: () => void): Promise<Reader> {
  const consumer = await jetstream(nc).consumers.get(c.stream, c.name);
  const messages = await consumer.consume({ max_messages: batch });
  const done = (async () => {
    let n = 0;
    for await (const m of messages) {
      work?.();
      m.ack();
      seen(n++);
      if (n === count) break;
    }
    if (n < count) throw new Error(`raw reader of ${c.name} stopped after ${n} of ${count} messages`);
  })();
  return { done, stop: async () => void messages.stop() };
}

/**
 * The Schakel bus consuming one consumer with a no-op handler; any rejection fails the run.
 * `workers`: verify a backlog in the crypto pool's worker threads (the default) or all inline.
 */
export function schakelReader(bus: Bus, c: InboxConsumer, count: number, batch: number, seen: (i: number) => void, workers = true): Reader {
  let n = 0;
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const consumption = bus.consume({
    consumers: [c],
    batch,
    verifyInWorkers: workers,
    handlers: { "notice.posted": () => {} },
    onEvent(e) {
      if (e.kind === "processed") {
        seen(n++);
        if (n === count) resolve();
      } else if (e.kind === "rejected") {
        reject(new Error(`Schakel rejected message ${e.seq} on ${c.name}: ${e.rejection.reason} ${e.rejection.detail}`));
      } else if (e.kind === "consumer-error") {
        reject(new Error(`Schakel consumer ${c.name} failed: ${e.error}`));
      } else if (e.kind !== "duplicate") {
        reject(new Error(`Schakel reader expected processed messages, got ${e.kind}`));
      }
    },
  });
  return { done, stop: () => consumption.stop() };
}

/** Waits for `p`, failing with a clear message if nothing finishes within `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
