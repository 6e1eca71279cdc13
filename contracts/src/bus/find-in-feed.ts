/**
 * Finding earlier messages in what an organisation may read — the notice it acknowledges, the
 * request it answers. Ids of Schakel messages are UUIDv7, which carry their creation time, so the
 * search starts shortly before that time instead of at the beginning of the stream. Only messages
 * that pass every check of the decode path are offered to the predicate.
 */
import type { MessageType } from "../catalog.ts";
import type { Envelope } from "../envelope.ts";
import type { Bus } from "./bus.ts";
import { openFeed, type FeedMessage } from "./feed.ts";
import type { FeedStart } from "./feed-slots.ts";

/** Margin for clocks of different senders and for the time between creating an id and storing it. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/** A verified message of a feed. */
export type FoundMessage = FeedMessage & { verdict: { ok: true; type: MessageType; envelope: Envelope } };

export interface FindOptions {
  /** A message id (UUIDv7) the wanted messages were sent around or after: the search starts shortly before its time. */
  near?: string;
  /** Where to start otherwise (default: the beginning of the stream). */
  start?: FeedStart;
}

/** The creation time in a UUIDv7, or undefined for other ids. */
export function timeOfId(id: string): Date | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id)) return undefined;
  return new Date(parseInt(id.replace(/-/g, "").slice(0, 12), 16));
}

/** Where to start reading for messages about `id`. */
export function startNear(id: string): FeedStart {
  const t = timeOfId(id);
  return t ? { kind: "time", time: new Date(t.getTime() - CLOCK_MARGIN_MS) } : { kind: "all" };
}

const startOf = (opts: FindOptions): FeedStart => opts.start ?? (opts.near ? startNear(opts.near) : { kind: "all" });

/**
 * Reads the stored history of the bus organisation's feed and calls `visit` with each verified
 * message until it returns false; the slots are closed afterwards.
 * @throws FeedSlotsInUseError when every feed slot is taken; the broker's error when unreachable.
 */
async function scan(bus: Bus, opts: FindOptions, visit: (m: FoundMessage) => boolean): Promise<void> {
  const feed = await openFeed(bus, startOf(opts));
  try {
    await feed.history((m) => (m.verdict.ok ? visit(m as FoundMessage) : true));
  } finally {
    await feed.close();
  }
}

/**
 * The first verified message the bus organisation may read that satisfies `match` (undefined when
 * none). Used, for example, to acknowledge a notice the organisation's service has not recorded yet.
 * @throws FeedSlotsInUseError when every feed slot is taken; the broker's error when unreachable.
 */
export async function findInFeed(bus: Bus, match: (m: FoundMessage) => boolean, opts: FindOptions = {}): Promise<FoundMessage | undefined> {
  let found: FoundMessage | undefined;
  await scan(bus, opts, (m) => {
    if (!match(m)) return true;
    found = m;
    return false;
  });
  return found;
}

/**
 * Every verified message the bus organisation may read that satisfies `match`, in stream order.
 * @throws as `findInFeed`.
 */
export async function collectFromFeed(bus: Bus, match: (m: FoundMessage) => boolean, opts: FindOptions = {}): Promise<FoundMessage[]> {
  const out: FoundMessage[] = [];
  await scan(bus, opts, (m) => {
    if (match(m)) out.push(m);
    return true;
  });
  return out;
}
