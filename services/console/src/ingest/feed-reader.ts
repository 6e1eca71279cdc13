/**
 * Reads into the read model what the bus's organisation may read (infra's `readableFilters`, the
 * filters its feed slots may hold): for the platform coordinator everything that moves between the
 * levels, for an organisation's own console its audiences on COORD and its case audience on CASE.
 * One feed of the bus client (`openFeed`) per stream, from the first message, then live.
 * Every message comes through the bus client's read path —
 * signature, key, clock, schema — before it is shown; refused ones are counted, never displayed.
 * After an interruption (a slot that expired during an outage, JetStream not back yet) the reader
 * opens a new slot right after the last sequence it read, so nothing is missed or read twice.
 */
import { newMessageId } from "@schakel/contracts";
import { readableFilters } from "@schakel/infra";
import { closeSlots, openFeed, type Bus, type Feed, type FeedMessage, type FeedSlot, type FeedSource, type Following } from "@schakel/contracts/bus";
import type { ReadModel } from "../model/read-model.ts";
import { releaseBacklogMemory } from "./backlog-memory.ts";

export interface FeedReaderOptions {
  bus: Bus;
  model: ReadModel;
  /** Operator notes (slot taken, consumer lost and recreated); default: none. */
  onNote?: (note: string) => void;
}

export interface FeedReader {
  /** Resolves once both streams' backlogs have been read (the dashboard is complete). */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}


/** Messages fetched per request while reading a backlog (a larger batch survives more young-generation collections and grows the heap). */
const BACKLOG_BATCH = 250;
/** Verifying signatures is CPU work: yield this often so pages stay responsive during a backlog. */
const YIELD_EVERY = 200;
/**
 * While reading a backlog, a full collection this often (messages read): the heap stays near the
 * window's size instead of growing with the store (backlog-memory.ts). At about 40 ms each, 1 % of
 * the backlog's reading.
 */
const COLLECT_EVERY = 10_000;

/** Starts reading COORD and CASE into the model. */
export function startFeedReader(opts: FeedReaderOptions): FeedReader {
  const { bus, model } = opts;
  const note = opts.onNote ?? (() => {});
  const description = `schakel console ${newMessageId()}`;
  let stopped = false;
  const active = new Map<string, { feed?: Feed; following?: Following }>();
  let backlogRead = 0;

  function handle(m: FeedMessage): void {
    if (!m.verdict.ok) return model.refuse(m.stream, m.seq, m.subject, m.verdict.rejection);
    model.ingest(m.verdict.type, m.verdict.envelope, { stream: m.stream, seq: m.seq, storedAt: m.storedAtNanos / 1e6 });
  }

  /** Reads one stream through its sources (one feed, merged by sequence). */
  async function read(stream: string, sources: FeedSource[], markCaughtUp: () => void): Promise<void> {
    let last = 0;
    let previous: FeedSlot[] = [];
    let sinceYield = 0;
    const state: { feed?: Feed; following?: Following } = {};
    active.set(stream, state);
    const onMessage = async (m: FeedMessage): Promise<boolean> => {
      last = m.seq;
      handle(m);
      if (!model.complete && ++backlogRead % COLLECT_EVERY === 0) releaseBacklogMemory();
      if (++sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
      return !stopped;
    };
    while (!stopped) {
      try {
        // A slot we held before an interruption is ours to free before claiming again.
        await closeSlots(bus, previous);
        state.feed = await openFeed(bus, { kind: "after-seq", seq: last }, { sources, fromTop: true, description, batch: BACKLOG_BATCH });
        previous = state.feed.slots;
        await state.feed.history(onMessage);
        if (stopped) break;
        markCaughtUp();
        state.following = await state.feed.follow(onMessage);
        if (stopped) await state.following.stop();
        await state.following.done;
        if (!stopped) note(`feed on ${stream} interrupted (its slot is gone or the connection closed); resuming from sequence ${last + 1}`);
      } catch (err) {
        if (stopped) break;
        note(`feed on ${stream} interrupted (${(err as Error).message}); resuming from sequence ${last + 1}`);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  const byStream = new Map<string, FeedSource[]>();
  for (const source of readableFilters(bus.directory.require(bus.org))) byStream.set(source.stream, [...(byStream.get(source.stream) ?? []), source]);
  const caughtUp = Promise.all([...byStream].map(([stream, sources]) => new Promise<void>((resolve) => {
    const done = () => {
      model.caughtUp.add(stream);
      resolve();
    };
    read(stream, sources, done).catch((err) => note(`feed on ${stream} stopped: ${(err as Error).message}`));
  }))).then(() => {
    model.complete = true;
    releaseBacklogMemory();
  });

  return {
    caughtUp,
    async stop() {
      stopped = true;
      // Free the slots now rather than after the inactivity threshold.
      await Promise.allSettled([...active.values()].map(async (s) => {
        await s.following?.stop();
        await s.feed?.close();
      }));
    },
  };
}
