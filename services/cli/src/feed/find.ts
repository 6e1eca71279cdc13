/**
 * Finding earlier messages in what an organisation may read — the notice it acknowledges, the
 * request it answers — as feed items. The search itself is the bus client's (`findInFeed`,
 * `collectFromFeed`): it starts shortly before the time in the id (UUIDv7).
 */
import { collectFromFeed, findInFeed, type Bus } from "@schakel/contracts/bus";
import { toFeedItem, type FeedItem } from "./item.ts";

/** The first verified message `bus.org` may read that satisfies `match`, searching from around `id`'s time. */
export async function findMessage(bus: Bus, id: string, match: (item: FeedItem) => boolean): Promise<FeedItem | undefined> {
  const found = await findInFeed(bus, (m) => match(toFeedItem(m)), { near: id });
  return found && toFeedItem(found);
}

/** Every verified message `bus.org` may read from around `id`'s time that satisfies `match`. */
export async function collectMessages(bus: Bus, id: string, match: (item: FeedItem) => boolean): Promise<FeedItem[]> {
  return (await collectFromFeed(bus, (m) => match(toFeedItem(m)), { near: id })).map(toFeedItem);
}
