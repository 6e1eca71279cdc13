/**
 * Reading a feed: what an organisation may see, through its feed slots (feed-slots.ts). The stored
 * history first, merged across the slots by stream sequence (a k-way merge, so memory stays
 * bounded however long the history), then, when asked, live messages as they are stored. Live
 * messages of different slots that arrive within the same 50 ms are put in sequence order before
 * they are handed on; a reader slower than the bus leaves the messages it has not reached at the
 * server (a few batches are taken ahead of it). Every message is decoded and verified like a
 * service would (stored-message.ts) and carries its verdict: readers that show the record (the
 * CLI) show refusals, others skip them.
 */
import { JetStreamApiCodes, type Consumer, type ConsumerInfo, type JsMsg } from "@nats-io/jetstream";
import type { Bus } from "./bus.ts";
import { jetStreamApiCode } from "./errors-map.ts";
import { closeSlots, feedSources, openSlots, type FeedSlot, type FeedSource, type FeedStart, type OpenSlotsOptions } from "./feed-slots.ts";
import { storedOf, verifyStored, type StoredMessage, type Verdict } from "./stored-message.ts";
import { transportOf } from "./transport.ts";

/** A message of a feed: as stored, with what the decode path made of it. */
export interface FeedMessage extends StoredMessage {
  verdict: Verdict;
}

/** Receives each message; returning `false` from a history callback ends the history early. */
export type OnFeedMessage<M = FeedMessage> = (message: M) => void | boolean | Promise<void | boolean>;

export interface Following {
  stop(): Promise<void>;
  /** Resolves when every live loop has ended (after stop, when the connection closes, or when a slot is gone). */
  done: Promise<void>;
}

/** A feed; `M` is what its callbacks receive (a reader may hand on its own form of each message). */
export interface Feed<M = FeedMessage> {
  slots: FeedSlot[];
  /** The stream sequence the feed starts after: every message it delivers has a higher one. */
  startedAfter: number;
  /** Delivers every stored message from the start point up to now, in stream order. */
  history(onMessage: OnFeedMessage<M>): Promise<void>;
  /** Then delivers new messages until stopped. */
  follow(onMessage: OnFeedMessage<M>): Promise<Following>;
  /** Deletes the slots. */
  close(): Promise<void>;
}

export interface OpenFeedOptions extends OpenSlotsOptions {
  /** Default: everything the organisation may read on the coordination stream (`feedSources`). */
  sources?: FeedSource[];
  /** Messages fetched per request (default 256). */
  batch?: number;
  /**
   * Live messages taken ahead of a slow reader, at most (default four batches): the rest wait at
   * the server until the reader has handed on half of these.
   */
  liveQueue?: number;
}

interface Cursor {
  consumer: Consumer;
  buffer: JsMsg[];
  /** Messages still stored after the last one fetched (the server's count). */
  remaining: number;
}

const LIVE_REORDER_MS = 50;
/** Live messages a follower takes ahead of its reader, in batches (see `follow`). */
const LIVE_QUEUE_BATCHES = 4;
/** How long one live fetch waits for messages; a pull is always pending, so a slot never idles out. */
const LIVE_FETCH_MS = 5_000;
/** The pause after a failed fetch (a disconnect) before the next. */
const LIVE_RETRY_MS = 1_000;

/** Whether the slot is gone at the server (removed after a long outage); any other trouble is not that. */
async function slotGone(c: Consumer): Promise<boolean> {
  try {
    await c.info();
    return false;
  } catch (err) {
    return jetStreamApiCode(err) === JetStreamApiCodes.ConsumerNotFound;
  }
}

/**
 * Opens the bus organisation's feed from `start`.
 * @throws FeedSlotsInUseError when every slot is taken; the broker's error when it refuses a slot.
 */
export async function openFeed(bus: Bus, start: FeedStart, opts: OpenFeedOptions = {}): Promise<Feed> {
  const { js, nc } = transportOf(bus);
  const slots = await openSlots(bus, opts.sources ?? feedSources(bus), start, opts);
  let consumers: Consumer[];
  // Each slot's state when opened: where it starts, and how much of the history it holds then.
  let opened: ConsumerInfo[];
  try {
    consumers = await Promise.all(slots.map((s) => js.consumers.get(s.stream, s.name)));
    opened = await Promise.all(consumers.map((c) => c.info(true)));
  } catch (err) {
    await closeSlots(bus, slots);
    throw err;
  }
  const batch = opts.batch ?? 256;
  const read = (m: JsMsg): FeedMessage => {
    const stored = storedOf(m);
    return { ...stored, verdict: verifyStored(bus, stored) };
  };

  async function refill(c: Cursor): Promise<void> {
    let got = 0;
    const fetched = await c.consumer.fetch({ max_messages: Math.min(c.remaining, batch), expires: 5_000 });
    for await (const m of fetched) {
      c.buffer.push(m);
      c.remaining = m.info.pending;
      got++;
    }
    if (got === 0) c.remaining = 0; // counted messages that are gone (expired) meanwhile
  }

  return {
    slots,
    startedAfter: Math.min(...opened.map((i) => i.delivered.stream_seq)),
    async history(onMessage) {
      // Nothing was delivered from a slot before its history is read: its count when opened still holds.
      const cursors: Cursor[] = consumers.map((consumer, i) => ({ consumer, buffer: [], remaining: opened[i]!.num_pending }));
      for (;;) {
        await Promise.all(cursors.filter((c) => c.buffer.length === 0 && c.remaining > 0).map(refill));
        let next: Cursor | undefined;
        for (const c of cursors) if (c.buffer.length && (!next || c.buffer[0]!.seq < next.buffer[0]!.seq)) next = c;
        if (!next) return;
        if ((await onMessage(read(next.buffer.shift()!))) === false) return;
      }
    },
    async follow(onMessage) {
      // Live messages taken from the slots and not yet handed on: at most `limit` (a few more when
      // slots fetch at once). A reader slower than the bus leaves the rest at the server — a slot
      // holds nothing in the client until it is asked — where a consume() loop pulled on as fast as
      // messages came, and the console under a publish flood held 11,500 of them (heap snapshot,
      // docs/BENCHMARKS.md "A follower that keeps up with nothing").
      const limit = Math.max(batch, opts.liveQueue ?? LIVE_QUEUE_BATCHES * batch);
      let pending: JsMsg[] = [];
      let queued = 0;
      let timer: NodeJS.Timeout | undefined;
      let chain = Promise.resolve();
      let failure: unknown;
      let ended = false;
      let waiting: (() => void)[] = [];
      const fetching = new Set<{ stop(): void }>();
      const wake = (): void => {
        const w = waiting;
        waiting = [];
        for (const resolve of w) resolve();
      };
      const room = (): Promise<void> => (ended || queued < limit ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve)));
      const end = (): void => {
        ended = true;
        for (const f of fetching) f.stop();
        wake();
      };
      const flush = (): void => {
        timer = undefined;
        const ready = pending.sort((a, b) => a.seq - b.seq);
        pending = [];
        chain = chain.then(async () => {
          for (const m of ready) {
            if (failure !== undefined) return;
            try {
              await onMessage(read(m));
            } catch (err) {
              // A reader that throws ends the following; `done` rejects with its error.
              failure = err;
              end();
            } finally {
              queued--;
              if (queued <= limit / 2) wake();
            }
          }
        });
      };
      /** One fetch of a slot into the reordering queue: how many messages it brought. */
      const fetchInto = async (c: Consumer): Promise<number> => {
        const fetched = await c.fetch({ max_messages: Math.max(1, Math.min(batch, limit - queued)), expires: LIVE_FETCH_MS });
        fetching.add(fetched);
        let got = 0;
        try {
          for await (const m of fetched) {
            got++;
            queued++;
            pending.push(m);
            timer ??= setTimeout(flush, LIVE_REORDER_MS);
          }
        } finally {
          fetching.delete(fetched);
        }
        return got;
      };
      const loop = async (c: Consumer): Promise<void> => {
        while (!ended) {
          await room();
          if (ended) return;
          // -1: the fetch failed (a disconnect, a server restart).
          const got = await fetchInto(c).catch(() => -1);
          if (got > 0 || ended) continue;
          // Nothing came: a closed connection, or a slot that vanished (it outlived a long outage),
          // ends the loop instead of waiting for ever; after a failed fetch, a pause before the next.
          if (nc.isClosed() || (await slotGone(c))) return;
          if (got < 0) await new Promise((r) => setTimeout(r, LIVE_RETRY_MS));
        }
      };
      // One slot ending (connection closed, slot gone) ends the following: the reader resumes all
      // of them after the last sequence it handled, in order.
      const loops = consumers.map((c) => loop(c).finally(end));
      const done = Promise.allSettled(loops).then(async () => {
        if (timer) clearTimeout(timer);
        flush();
        await chain;
        if (failure !== undefined) throw failure;
      });
      return {
        done,
        async stop() {
          end();
          await done;
        },
      };
    },
    close: () => closeSlots(bus, slots),
  };
}
