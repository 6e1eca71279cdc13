/**
 * The demo's window on the bus: the platform's feed, followed live from the start of the demo.
 * Every message between the levels is printed as it is stored, and the scenario waits on it for
 * the outcomes the services produce (delivery receipts, digests, escalations).
 */
import type { Bus } from "@schakel/contracts/bus";
import type { FeedItem } from "../../feed/item.ts";
import { openFeed, type Feed, type Following } from "../../feed/reader.ts";

interface Waiter {
  match: (item: FeedItem) => boolean;
  resolve: (item: FeedItem) => void;
}

export class BusWatch {
  readonly seen: FeedItem[] = [];
  #waiters = new Set<Waiter>();
  private constructor(private readonly feed: Feed, private following?: Following) {}

  /** Follows `bus`'s feed from now, handing each new message to `print`. */
  static async start(bus: Bus, print: (item: FeedItem) => void): Promise<BusWatch> {
    const feed = await openFeed(bus, { kind: "new" });
    const watch = new BusWatch(feed);
    watch.following = await feed.follow((item) => {
      watch.seen.push(item);
      print(item);
      for (const w of watch.#waiters) {
        if (w.match(item)) {
          watch.#waiters.delete(w);
          w.resolve(item);
        }
      }
    });
    return watch;
  }

  /** The first message (seen already or still to come) that matches; rejects after `timeoutMs`. */
  waitFor(what: string, match: (item: FeedItem) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<FeedItem> {
    const already = this.seen.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail(`no ${what} within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
      const waiter: Waiter = { match, resolve: (item) => (clearTimeout(timer), resolve(item)) };
      signal?.addEventListener("abort", () => fail("stopped"), { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Every message seen so far that matches. */
  all(match: (item: FeedItem) => boolean): FeedItem[] {
    return this.seen.filter(match);
  }

  async stop(): Promise<void> {
    await this.following?.stop();
    await this.feed.close();
  }
}
