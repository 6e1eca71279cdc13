/**
 * Reading a feed across outages of the bus. When the connection is lost — during the history or
 * while following — the reader says so, connects again (waiting up to `--wait` for the bus), and
 * opens a new feed right after the last sequence it has read: what was stored meanwhile comes
 * first, in order, and nothing already printed is printed again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { closeSlots, type FeedSlot } from "@schakel/contracts/bus";
import { retryDelay, seconds, unreachableReason, waitOf } from "../bus-wait.ts";
import { connectAs, type CliBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import type { FeedStart } from "../input/time-input.ts";
import { color, note } from "../output.ts";
import type { FeedItem } from "./item.ts";
import { lastSequence, openFeed } from "./reader.ts";

export interface ReadingOptions extends GlobalOptions {
  as: string;
  follow?: boolean;
}

export interface Reading {
  /** The stream sequence read up to (printed or filtered out); `--since` it resumes after it. */
  lastSeq: number | undefined;
}

type Outcome = { kind: "done" } | { kind: "lost"; reason: string };

const isAbort = (err: unknown): boolean => (err as Error)?.name === "AbortError";

/**
 * Reads `opts.as`'s feed from `start`, calling `print` once per message in stream order, until
 * the history is read (or, with `follow`, until Ctrl-C / SIGTERM).
 * @throws CliError (exit 3) when the bus stays away longer than `--wait`, naming where to resume.
 */
export async function readFeed(opts: ReadingOptions, start: FeedStart, print: (item: FeedItem, bus: CliBus) => void | Promise<void>): Promise<Reading> {
  const reading: Reading = { lastSeq: start.kind === "after-seq" ? start.seq : undefined };
  const waitMs = waitOf(opts);
  const stopping = new AbortController();
  const stop = (): void => stopping.abort();
  if (opts.follow) process.once("SIGINT", stop).once("SIGTERM", stop);
  const resumeHint = (): string => (reading.lastSeq !== undefined ? `; resume with: npx schakel feed --as ${opts.as} --since ${reading.lastSeq}` : "");
  let lostAt: number | undefined;
  let previous: FeedSlot[] = [];
  try {
    for (let attempt = 1; ; attempt++) {
      const bus = await connectAs(opts.as, opts, { reconnect: false, ...(lostAt !== undefined ? { since: lostAt } : {}), signal: stopping.signal })
        .catch((err: unknown) => {
          if (err instanceof CliError && err.exitCode === EXIT.unreachable && lostAt !== undefined) throw new CliError(`${err.message}${resumeHint()}`, err.exitCode);
          throw err;
        });
      let outcome: Outcome;
      try {
        outcome = await readOnce(bus, opts, reading, start, previous, lostAt !== undefined, stopping.signal, print, (slots) => {
          previous = slots;
          lostAt = undefined; // back: a later outage gets the whole wait again
        });
      } finally {
        await bus.close().catch(() => undefined);
      }
      if (outcome.kind === "done") return reading;
      if (lostAt === undefined) {
        lostAt = performance.now();
        attempt = 0;
        if (waitMs === 0) throw new CliError(`lost the bus at ${bus.url} (${outcome.reason}) while reading the feed of ${opts.as}${resumeHint()}`, EXIT.unreachable);
        note(`lost the bus at ${bus.url} (${outcome.reason}); retrying (giving up in ${seconds(waitMs)}; Ctrl-C to stop)`);
        continue;
      }
      // Connected, yet the feed could not be opened (JetStream or the consumer gate not back yet).
      const left = waitMs - (performance.now() - lostAt);
      if (left <= 0) throw new CliError(`cannot read the feed of ${opts.as} at ${bus.url} (${outcome.reason}); gave up after ${seconds(waitMs)}${resumeHint()}`, EXIT.unreachable);
      const pause = Math.min(retryDelay(attempt), left);
      note(`cannot read the feed of ${opts.as} at ${bus.url} yet (${outcome.reason}); retrying in ${seconds(pause)} (attempt ${attempt}, giving up in ${seconds(left)})`);
      await sleep(pause, undefined, { signal: stopping.signal });
    }
  } catch (err) {
    if (isAbort(err)) return reading; // Ctrl-C while waiting for the bus
    throw err;
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
}

/**
 * A resume point past the stream's end would print nothing now and silently skip what is stored
 * up to it later: refused (exit 2) naming the last sequence, rather than clamped.
 */
async function refusePastEnd(bus: CliBus, seq: number, org: string): Promise<void> {
  const last = await lastSequence(bus);
  if (seq <= last) return;
  throw new CliError(`--since ${seq} is past the end of the feed: the last stream sequence is ${last} (was the data folder replaced?); resume with --since ${last} or lower, e.g. npx schakel feed --as ${org} --since ${last}`, EXIT.usage);
}

/** One connection's worth of reading: "done", or "lost" when the bus went away meanwhile. */
async function readOnce(
  bus: CliBus, opts: ReadingOptions, reading: Reading, start: FeedStart, previous: FeedSlot[], recovering: boolean,
  stopping: AbortSignal, print: (item: FeedItem, bus: CliBus) => void | Promise<void>, opened: (slots: FeedSlot[]) => void,
): Promise<Outcome> {
  const lost = (err: unknown): Outcome => {
    const why = unreachableReason(err);
    if (bus.isClosed) return { kind: "lost", reason: why?.kind === "unreachable" ? why.reason : "connection closed" };
    if (why?.kind === "unreachable") return { kind: "lost", reason: why.reason };
    throw err;
  };
  const show = async (item: FeedItem): Promise<void> => {
    if (reading.lastSeq !== undefined && item.seq <= reading.lastSeq) return; // read before the bus went away
    await print(item, bus);
    reading.lastSeq = item.seq;
  };
  let feed;
  try {
    // The slots of the connection that was lost may have survived a restart of the server.
    if (previous.length) await closeSlots(bus, previous);
    if (!recovering && start.kind === "after-seq") await refusePastEnd(bus, start.seq, opts.as);
    feed = await openFeed(bus, reading.lastSeq !== undefined ? { kind: "after-seq", seq: reading.lastSeq } : start);
  } catch (err) {
    return lost(err);
  }
  opened(feed.slots);
  reading.lastSeq = Math.max(reading.lastSeq ?? 0, feed.startedAfter);
  if (recovering) note(`${opts.follow ? "following" : "reading"} again from sequence ${reading.lastSeq + 1}`);
  try {
    await feed.history(show);
    if (!opts.follow) return { kind: "done" };
    if (!recovering) note(color.dim(`following the feed of ${opts.as} — Ctrl-C to stop`));
    const live = await feed.follow(show);
    const stop = (): void => void live.stop();
    stopping.addEventListener("abort", stop);
    if (stopping.aborted) stop();
    await live.done;
    stopping.removeEventListener("abort", stop);
    // The live loops end on Ctrl-C, or on their own when the connection is gone.
    return stopping.aborted ? { kind: "done" } : { kind: "lost", reason: "connection closed" };
  } catch (err) {
    return lost(err);
  } finally {
    await feed.close();
  }
}
