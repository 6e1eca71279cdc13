/**
 * Reading a feed: the stored history first, merged across the organisation's slots by stream
 * sequence (a k-way merge, so memory stays bounded however long the history), then, when asked,
 * live messages as they are stored. Live messages of different slots that arrive within the same
 * 50 ms are put in sequence order before they are shown.
 */
import type { Consumer, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { Bus } from "@schakel/contracts/bus";
import type { FeedStart } from "../input/time-input.ts";
import { toFeedItem, type FeedItem } from "./item.ts";
import { closeSlots, feedFilters, openSlots, type FeedSlot } from "./slots.ts";

/** Receives each item; returning `false` from a history callback ends the history early. */
export type OnItem = (item: FeedItem) => void | boolean | Promise<void | boolean>;

interface Cursor {
  consumer: Consumer;
  buffer: JsMsg[];
  /** Messages still stored after the last one fetched (the server's count). */
  remaining: number;
}

export interface Following {
  stop(): Promise<void>;
  /** Resolves when every live loop has ended (after stop, or when the connection closes). */
  done: Promise<void>;
}

export interface Feed {
  slots: FeedSlot[];
  /** The stream sequence the feed starts after: every message it delivers has a higher one. */
  startedAfter: number;
  /** Delivers every stored message from the start point up to now, in stream order. */
  history(onItem: OnItem): Promise<void>;
  /** Then delivers new messages until stopped. */
  follow(onItem: OnItem): Promise<Following>;
  /** Deletes the slots. */
  close(): Promise<void>;
}

const LIVE_REORDER_MS = 50;

/** Opens `bus.org`'s feed from `start` (filters as the broker allows this organisation). */
export async function openFeed(bus: Bus, start: FeedStart, filters: string[] = feedFilters(bus)): Promise<Feed> {
  const jsm: JetStreamManager = await bus.js.jetstreamManager();
  const slots = await openSlots(bus, jsm, filters, start);
  let consumers: Consumer[];
  let startedAfter: number;
  try {
    consumers = await Promise.all(slots.map((s) => bus.js.consumers.get(s.stream, s.name)));
    startedAfter = Math.min(...(await Promise.all(consumers.map(async (c) => (await c.info()).delivered.stream_seq))));
  } catch (err) {
    await closeSlots(jsm, slots);
    throw err;
  }
  const item = (m: JsMsg) => toFeedItem(m, bus.directory);

  async function refill(c: Cursor): Promise<void> {
    let got = 0;
    const batch = await c.consumer.fetch({ max_messages: Math.min(c.remaining, 256), expires: 5_000 });
    for await (const m of batch) {
      c.buffer.push(m);
      c.remaining = m.info.pending;
      got++;
    }
    if (got === 0) c.remaining = 0; // counted messages that are gone (expired) meanwhile
  }

  return {
    slots,
    startedAfter,
    async history(onItem) {
      const cursors: Cursor[] = await Promise.all(
        consumers.map(async (consumer) => ({ consumer, buffer: [], remaining: (await consumer.info()).num_pending })),
      );
      for (;;) {
        await Promise.all(cursors.filter((c) => c.buffer.length === 0 && c.remaining > 0).map(refill));
        let next: Cursor | undefined;
        for (const c of cursors) if (c.buffer.length && (!next || c.buffer[0]!.seq < next.buffer[0]!.seq)) next = c;
        if (!next) return;
        if ((await onItem(item(next.buffer.shift()!))) === false) return;
      }
    },
    async follow(onItem) {
      let pending: JsMsg[] = [];
      let timer: NodeJS.Timeout | undefined;
      let chain = Promise.resolve();
      const flush = (): void => {
        timer = undefined;
        const ready = pending.sort((a, b) => a.seq - b.seq);
        pending = [];
        chain = chain.then(async () => {
          for (const m of ready) await onItem(item(m));
        });
      };
      const live = await Promise.all(consumers.map((c) => c.consume({ max_messages: 256 })));
      const loops = live.map(async (messages) => {
        for await (const m of messages) {
          pending.push(m);
          timer ??= setTimeout(flush, LIVE_REORDER_MS);
        }
      });
      const done = Promise.allSettled(loops).then(async () => {
        if (timer) clearTimeout(timer);
        flush();
        await chain;
      });
      return {
        done,
        async stop() {
          for (const l of live) l.stop();
          await done;
        },
      };
    },
    close: () => closeSlots(jsm, slots),
  };
}
