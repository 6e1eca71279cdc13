/**
 * What an organisation may ask JetStream about its own consumers: how much is still waiting.
 * The broker lets each organisation read the info of its own durables only (see
 * infra/src/permissions.ts), so this is all a bus offers; operators inspect everything with the
 * admin identity instead.
 */
import type { JetStreamManager } from "@nats-io/jetstream";
import type { Bus } from "./bus.ts";
import { transportOf } from "./transport.ts";

/** How far a durable consumer is behind. */
export interface ConsumerBacklog {
  /** Messages stored for the consumer and not yet delivered to it. */
  pending: number;
  /** Messages delivered and not yet acknowledged (in flight, or held by a crashed reader until ack_wait). */
  unacknowledged: number;
}

/** One manager per bus: making one asks the server for the account's JetStream info first. */
const managers = new WeakMap<Bus, Promise<JetStreamManager>>();

function managerOf(bus: Bus): Promise<JetStreamManager> {
  let jsm = managers.get(bus);
  if (!jsm) {
    jsm = transportOf(bus).js.jetstreamManager();
    // A failed first attempt (the bus away) must not stick: the next question tries again.
    jsm.catch(() => managers.delete(bus));
    managers.set(bus, jsm);
  }
  return jsm;
}

/**
 * The backlog of one of the bus's own durable consumers. Throws the JetStream error when the
 * consumer does not exist or is not the organisation's (permission), or the bus does not answer.
 */
export async function consumerBacklog(bus: Bus, consumer: { stream: string; name: string }): Promise<ConsumerBacklog> {
  const info = await (await managerOf(bus)).consumers.info(consumer.stream, consumer.name);
  return { pending: info.num_pending, unacknowledged: info.num_ack_pending };
}
