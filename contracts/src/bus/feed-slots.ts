/**
 * Feed slots: the ephemeral consumers an organisation may create itself to read what it may see
 * from any point. The broker binds each slot name to the organisation's own audience filters (the
 * filter travels in the create subject), so a non-platform organisation needs one consumer per
 * audience (itself, its level, all — one filter per consumer on 2.9) and the feed merges them by
 * stream sequence. The platform reads everything through one slot per stream.
 *
 * Slots are shared by every process of an identity (a console, a CLI `feed`, an acknowledgement
 * looking for its notice). nats-server 2.9 answers a create for an existing name by returning (or
 * updating) that consumer instead of refusing it, so a slot is taken when it exists already, or
 * when the consumer the server returns was created before our request or has delivered messages
 * or has pull requests waiting. A taken slot is left alone; an abandoned one expires after
 * SLOT_INACTIVE_NS.
 */
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from "@nats-io/jetstream";
import { SchakelError } from "../errors.ts";
import { ALL_COORD, audienceFilter } from "../subjects.ts";
import { FEED_SLOTS, feedConsumerName, STREAMS } from "../streams.ts";
import type { Bus } from "./bus.ts";
import { consumerInfoIfAny } from "./inspection.ts";
import { managerOf, transportOf } from "./transport.ts";

/** Where a feed starts. */
export type FeedStart = { kind: "all" } | { kind: "new" } | { kind: "after-seq"; seq: number } | { kind: "time"; time: Date };

/** One filter on one stream, read by one slot. */
export interface FeedSource {
  stream: string;
  filter: string;
}

/** One created slot: its consumer name, stream and filter. */
export interface FeedSlot extends FeedSource {
  name: string;
}

/** Every slot of the organisation is in use by other readers. */
export class FeedSlotsInUseError extends SchakelError {
  constructor(org: string, stream: string, tried: string[]) {
    super("conflict", `all ${FEED_SLOTS} feed slots of "${org}" on ${stream} are in use by other readers (${tried.slice(0, 3).join("; ")}); stop one or wait 30 s for abandoned ones to expire`, { org, stream });
    this.name = "FeedSlotsInUseError";
  }
}

/** Ephemeral slots vanish this long after their reader stops pulling (a crash leaves no debris). */
export const SLOT_INACTIVE_NS = 30 * 1e9;
// A consumer's creation time is the server's clock; allow for a little skew against ours.
const CLOCK_SLACK_MS = 1_000;

/** What the bus's organisation may read on the coordination stream, one source per slot. */
export function feedSources(bus: Bus): FeedSource[] {
  const me = bus.directory.require(bus.org);
  const stream = STREAMS.coord.name;
  if (me.roles.includes("platform")) return [{ stream, filter: ALL_COORD }];
  return [audienceFilter(me.id), audienceFilter(me.level), audienceFilter("all")].map((filter) => ({ stream, filter }));
}

function startConfig(start: FeedStart): Partial<ConsumerConfig> {
  switch (start.kind) {
    case "all": return { deliver_policy: DeliverPolicy.All };
    case "new": return { deliver_policy: DeliverPolicy.New };
    case "after-seq": return start.seq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.seq + 1 } : { deliver_policy: DeliverPolicy.All };
    case "time": return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: start.time.toISOString() };
  }
}

export interface OpenSlotsOptions {
  /** Shown in the server's consumer info (who holds the slot). */
  description?: string;
  /** Try slots from the highest number down (a long-running reader leaves the low ones to others). */
  fromTop?: boolean;
}

/** Claims one free slot for `source`, skipping `used` slot numbers; undefined when none is free. */
async function claim(jsm: JetStreamManager, org: string, source: FeedSource, start: FeedStart, used: Set<number>, opts: OpenSlotsOptions, tried: string[]): Promise<FeedSlot | undefined> {
  for (let i = 1; i <= FEED_SLOTS; i++) {
    const slot = opts.fromTop ? FEED_SLOTS + 1 - i : i;
    if (used.has(slot)) continue;
    const name = feedConsumerName(org, slot);
    if (await consumerInfoIfAny(jsm, source.stream, name)) {
      tried.push(`${name}: in use`);
      continue;
    }
    const requested = Date.now();
    const info = await jsm.consumers.add(source.stream, {
      name, filter_subject: source.filter, ack_policy: AckPolicy.None, mem_storage: true, inactive_threshold: SLOT_INACTIVE_NS,
      ...(opts.description ? { description: opts.description } : {}), ...startConfig(start),
    });
    const preexisting = Date.parse(info.created) < requested - CLOCK_SLACK_MS || info.delivered.consumer_seq > 0 || info.num_waiting > 0;
    if (preexisting) {
      tried.push(`${name}: taken meanwhile`);
      continue;
    }
    used.add(slot);
    return { ...source, name };
  }
  return undefined;
}

/**
 * Creates one slot per source, starting at `start`.
 * @throws FeedSlotsInUseError when every slot is taken (what was claimed is freed again), or the
 * JetStream error when the broker refuses (e.g. a filter outside the organisation's audiences).
 */
export async function openSlots(bus: Bus, sources: FeedSource[], start: FeedStart, opts: OpenSlotsOptions = {}): Promise<FeedSlot[]> {
  const jsm = await managerOf(bus);
  const slots: FeedSlot[] = [];
  const used = new Set<number>();
  try {
    for (const source of sources) {
      const tried: string[] = [];
      const slot = await claim(jsm, bus.org, source, start, used, opts, tried);
      if (!slot) throw new FeedSlotsInUseError(bus.org, source.stream, tried);
      slots.push(slot);
    }
  } catch (err) {
    await closeSlots(bus, slots);
    throw err;
  }
  return slots;
}

/** Deletes the slots (best effort: the server reclaims them anyway when inactive). */
export async function closeSlots(bus: Bus, slots: readonly FeedSlot[]): Promise<void> {
  if (!slots.length || transportOf(bus).nc.isClosed()) return;
  const jsm = await managerOf(bus);
  await Promise.allSettled(slots.map((s) => jsm.consumers.delete(s.stream, s.name)));
}
