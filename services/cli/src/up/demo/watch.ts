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
  #lastAt = Date.now();
  #waiters = new Set<Waiter>();
  private constructor(private readonly feed: Feed, private following?: Following) {}

  /** Follows `bus`'s feed from now, handing each new message to `print`. */
  static async start(bus: Bus, print: (item: FeedItem) => void): Promise<BusWatch> {
    const feed = await openFeed(bus, { kind: "new" });
    const watch = new BusWatch(feed);
    watch.following = await feed.follow((item) => {
      watch.seen.push(item);
      watch.#lastAt = Date.now();
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
    // Stopped before the wait began (Ctrl-C while posting): an abort listener added now would never fire.
    if (signal?.aborted) return Promise.reject(new Error("stopped"));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => fail("stopped");
      const finish = (): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const fail = (why: string): void => {
        finish();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail(`no ${what} within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
      const waiter: Waiter = { match, resolve: (item) => (finish(), resolve(item)) };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Resolves once no message has arrived for `quietMs` (at most `maxMs`), so narration and feed line up. */
  async settle(quietMs = 400, maxMs = 3_000): Promise<void> {
    const until = Date.now() + maxMs;
    while (Date.now() < until && Date.now() - this.#lastAt < quietMs) await new Promise((r) => setTimeout(r, 50));
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
