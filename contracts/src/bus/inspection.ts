/**
 * Asking JetStream about consumers: how much is still waiting for a durable, and whether a consumer
 * exists. The broker lets each organisation read the info of its own durables only (see
 * infra/src/permissions.ts), so a bus asks about its own; an operator connection about those its
 * identity may inspect.
 */
import { JetStreamApiCodes, type ConsumerInfo, type JetStreamManager } from "@nats-io/jetstream";
import { jetStreamApiCode } from "./errors-map.ts";
import { managerOf, type TransportOwner } from "./transport.ts";

/** How far a durable consumer is behind. */
export interface ConsumerBacklog {
  /** Messages stored for the consumer and not yet delivered to it. */
  pending: number;
  /** Messages delivered and not yet acknowledged (in flight, or held by a crashed reader until ack_wait). */
  unacknowledged: number;
}

/**
 * The backlog of one of the bus's own durable consumers (or, for an operator connection, of any it
 * may inspect). Throws the JetStream error when the consumer does not exist or is not the
 * organisation's (permission), or the bus does not answer.
 */
export async function consumerBacklog(owner: TransportOwner, consumer: { stream: string; name: string }): Promise<ConsumerBacklog> {
  const info = await (await managerOf(owner)).consumers.info(consumer.stream, consumer.name);
  return { pending: info.num_pending, unacknowledged: info.num_ack_pending };
}

/**
 * The info of consumer `name` on `stream`, or undefined when there is no such consumer. Throws the
 * JetStream error for anything else (the stream missing, a permission, the bus away).
 */
export function consumerInfoIfAny(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  return jsm.consumers.info(stream, name).catch((err: unknown) => (jetStreamApiCode(err) === JetStreamApiCodes.ConsumerNotFound ? undefined : Promise.reject(err)));
}
