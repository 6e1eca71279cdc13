/**
 * Finding one earlier message in what an organisation may read — the notice it acknowledges, the
 * request it answers. Ids of Schakel messages are UUIDv7, which carry their creation time, so the
 * search starts shortly before that time instead of at the beginning of the stream.
 */
import type { Bus } from "@schakel/contracts/bus";
import type { FeedStart } from "../input/time-input.ts";
import type { FeedItem } from "./item.ts";
import { openFeed } from "./reader.ts";

/** Margin for clocks of different senders and for the time between creating an id and storing it. */
const CLOCK_MARGIN_MS = 5 * 60_000;

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

/** The first message `bus.org` may read that satisfies `match`, searching from around `id`'s time. */
export async function findMessage(bus: Bus, id: string, match: (item: FeedItem) => boolean): Promise<FeedItem | undefined> {
  const feed = await openFeed(bus, startNear(id));
  let found: FeedItem | undefined;
  try {
    await feed.history((item) => {
      if (!match(item)) return true;
      found = item;
      return false;
    });
  } finally {
    await feed.close();
  }
  return found;
}

/** Every message `bus.org` may read from around `id`'s time that satisfies `match`. */
export async function collectMessages(bus: Bus, id: string, match: (item: FeedItem) => boolean): Promise<FeedItem[]> {
  const feed = await openFeed(bus, startNear(id));
  const out: FeedItem[] = [];
  try {
    await feed.history((item) => {
      if (match(item)) out.push(item);
    });
  } finally {
    await feed.close();
  }
  return out;
}
