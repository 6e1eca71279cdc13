/**
 * The CLI's view of a feed: the bus client's feed (history merged across the organisation's slots
 * by stream sequence, then live) handing on feed items, the form the CLI prints and matches.
 */
import { openFeed as openBusFeed, type Bus, type FeedSlot, type FeedStart, type Following } from "@schakel/contracts/bus";
import { toFeedItem, type FeedItem } from "./item.ts";

export type { Following };

/** Receives each item; returning `false` from a history callback ends the history early. */
export type OnItem = (item: FeedItem) => void | boolean | Promise<void | boolean>;

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
