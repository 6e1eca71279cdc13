/**
 * Feed slots: the ephemeral consumers an organisation may create itself to read what it may see
 * from any point. The broker binds each slot name to the organisation's own audience filters (the
 * filter travels in the create subject), so a non-platform organisation needs one consumer per
 * audience (itself, its level, all — one filter per consumer on 2.9) and the reader merges them
 * by stream sequence. The platform reads everything through one slot filtered on `coord.>`.
 */
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from "@nats-io/jetstream";
import { ALL_COORD, audienceFilter, FEED_SLOTS, feedConsumerName, STREAMS } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { CliError, EXIT } from "../exit-codes.ts";
import type { FeedStart } from "../input/time-input.ts";

/** One created slot: its consumer name and filter. */
export interface FeedSlot {
  stream: string;
  name: string;
  filter: string;
}

/** What `org` may read on the coordination stream, one filter per consumer. */
export function feedFilters(bus: Bus): string[] {
  const me = bus.directory.require(bus.org);
  if (me.roles.includes("platform")) return [ALL_COORD];
  return [audienceFilter(me.id), audienceFilter(me.level), audienceFilter("all")];
}

function startConfig(start: FeedStart): Partial<ConsumerConfig> {
  switch (start.kind) {
    case "all": return { deliver_policy: DeliverPolicy.All };
    case "new": return { deliver_policy: DeliverPolicy.New };
    case "after-seq": return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.seq + 1 };
    case "time": return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: start.time.toISOString() };
  }
}

const isNotFound = (err: unknown): boolean => /not found/i.test((err as Error)?.message ?? "");

/**
 * Creates one ephemeral consumer per filter in free slots (a slot in use by another reader is
 * skipped). Unused slots are reclaimed by the server after `inactive_threshold`, so a reader that
 * was killed does not hold its slots for ever.
 * @throws CliError (exit 1) when every slot is taken.
 */
export async function openSlots(bus: Bus, jsm: JetStreamManager, filters: string[], start: FeedStart): Promise<FeedSlot[]> {
  const stream = STREAMS.coord.name;
  const slots: FeedSlot[] = [];
  let slot = 1;
  for (const filter of filters) {
    for (;; slot++) {
      if (slot > FEED_SLOTS) {
        await closeSlots(jsm, slots);
        throw new CliError(`all ${FEED_SLOTS} feed slots of "${bus.org}" are in use by other readers; stop one or wait 30 s for abandoned ones to expire`, EXIT.failure);
      }
      const name = feedConsumerName(bus.org, slot);
      const taken = await jsm.consumers.info(stream, name).then(() => true, (err) => (isNotFound(err) ? false : Promise.reject(err)));
      if (taken) continue;
      try {
        await jsm.consumers.add(stream, {
          name, filter_subject: filter, ack_policy: AckPolicy.None, inactive_threshold: 30 * 1e9, ...startConfig(start),
        });
      } catch (err) {
        if (/already (exists|in use)/i.test((err as Error)?.message ?? "")) continue; // taken meanwhile
        throw err;
      }
      slots.push({ stream, name, filter });
      slot++;
      break;
    }
  }
  return slots;
}

/** Deletes the slots (best effort: the server reclaims them anyway when inactive). */
export async function closeSlots(jsm: JetStreamManager, slots: FeedSlot[]): Promise<void> {
  await Promise.allSettled(slots.map((s) => jsm.consumers.delete(s.stream, s.name)));
}
