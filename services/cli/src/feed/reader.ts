/**
 * The CLI's view of a feed: the bus client's feed (history merged across the organisation's slots
 * by stream sequence, then live) handing on feed items, the form the CLI prints and matches.
 */
import { openFeed as openBusFeed, type Bus, type Feed as BusFeed, type FeedStart, type Following, type OnFeedMessage } from "@schakel/contracts/bus";
import { toFeedItem, type FeedItem } from "./item.ts";

export type { Following };

/** A feed whose callbacks receive feed items; returning `false` from a history callback ends the history early. */
export type Feed = BusFeed<FeedItem>;
export type OnItem = OnFeedMessage<FeedItem>;

/**
 * The last stream sequence the feed could show now: a feed opened at "new" starts right after it.
 * Used to refuse a `--since SEQ` past the end (a stale resume point, e.g. from before `up --fresh`).
 */
export async function lastSequence(bus: Bus): Promise<number> {
  const probe = await openBusFeed(bus, { kind: "new" }, { description: "schakel feed: last sequence" });
  try {
    return probe.startedAfter;
  } finally {
    await probe.close();
  }
}

/**
 * Opens `bus.org`'s feed from `start`.
 * @throws FeedSlotsInUseError when every slot is taken; the broker's error when it is unreachable.
 */
export async function openFeed(bus: Bus, start: FeedStart): Promise<Feed> {
  const feed = await openBusFeed(bus, start);
  return {
    slots: feed.slots,
    startedAfter: feed.startedAfter,
    history: (onItem) => feed.history((m) => onItem(toFeedItem(m))),
    follow: (onItem) => feed.follow((m) => onItem(toFeedItem(m))),
    close: () => feed.close(),
  };
}
