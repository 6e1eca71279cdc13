/**
 * Whether each organisation a host runs is connected and keeping up: gauges of its connection
 * (`schakel.organisation.connected`) and of the backlog of its durable consumers
 * (`schakel.consumer.pending`, `schakel.consumer.unacknowledged`), read through the bus's
 * `consumerBacklog()`. The backlog is sampled at most every few seconds however often the gauges
 * are scraped; a consumer that cannot be asked (the bus away, a consumer not created) reports
 * nothing until it answers again.
 */
import { cachedSample, inboxConsumers, METRIC_ATTRIBUTES as A, METRICS, observeGauge, platformConsumer, type InboxConsumer } from "@schakel/contracts";
import { watchReachability, type Bus, type ConsumerBacklog } from "@schakel/contracts/bus";

/** How long one backlog sample answers the gauges. */
export const LAG_SAMPLE_MS = 5_000;

/** The durables an organisation's service reads: its inboxes, and the platform's own feed for a platform. */
export function durablesOf(bus: Bus): InboxConsumer[] {
  const entry = bus.directory.require(bus.org);
  return [...inboxConsumers(bus.org, entry.level), ...(entry.roles.includes("platform") ? [platformConsumer(bus.org)] : [])];
}

/**
 * Adds the connection and backlog gauges of one organisation's bus; returns the function that
 * removes them (call it before closing the bus).
 */
export function observeConsumerLag(bus: Bus, consumers: InboxConsumer[] = durablesOf(bus), sampleMs = LAG_SAMPLE_MS): () => void {
  const org = bus.org;
  const reachability = watchReachability(bus, {});
  const sample = cachedSample(async () => {
    const answers = await Promise.allSettled(consumers.map((c) => bus.consumerBacklog(c)));
    return consumers.flatMap((c, i) => {
      const a = answers[i]!;
      return a.status === "fulfilled" ? [{ consumer: c.name, backlog: a.value as ConsumerBacklog }] : [];
    });
  }, sampleMs);
  const removers = [
    observeGauge(METRICS.connected, (observe) => observe(bus.isClosed || reachability.down ? 0 : 1, { [A.organisation]: org })),
    observeGauge(METRICS.consumerPending, async (observe) => {
      for (const s of await sample()) observe(s.backlog.pending, { [A.organisation]: org, [A.consumer]: s.consumer });
    }),
    observeGauge(METRICS.consumerUnacknowledged, async (observe) => {
      for (const s of await sample()) observe(s.backlog.unacknowledged, { [A.organisation]: org, [A.consumer]: s.consumer });
    }),
  ];
  return () => {
    reachability.stop();
    for (const remove of removers) remove();
  };
}
