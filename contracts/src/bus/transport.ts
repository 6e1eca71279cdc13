/**
 * The bus's NATS connection and JetStream context, for the bus client's own modules only: this
 * file is not exported from mod.ts, so nothing outside `contracts/src/bus/` reaches the transport.
 * Every other package uses the operations `Bus` offers.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { inboxPrefix } from "../subjects.ts";
import { AckPipeline } from "./ack-pipeline.ts";
import type { Bus } from "./bus.ts";

export interface Transport {
  nc: NatsConnection;
  js: JetStreamClient;
}

/** What owns a transport: an organisation's Bus, or an operator identity's connection (operator-connection.ts). */
export type TransportOwner = Bus | { readonly org: string; readonly kind: "operator" };

const transports = new WeakMap<TransportOwner, Transport>();

/** Called once by the Bus (or operator connection) constructor. */
export function registerTransport(bus: TransportOwner, transport: Transport): void {
  transports.set(bus, transport);
}

/** The connection and JetStream context of a bus (bus client modules only). */
export function transportOf(bus: TransportOwner): Transport {
  const t = transports.get(bus);
  if (!t) throw new Error(`no transport registered for the bus of "${bus.org}"`);
  return t;
}

const managers = new WeakMap<TransportOwner, Promise<JetStreamManager>>();

/**
 * The JetStream manager of a bus (or operator connection), made once per connection, without
 * first asking the server for the account's JetStream info: every organisation's service makes
 * one as it starts (600 requests at a national start), and a request it then makes says the same
 * as that info would (no JetStream: a clear error naming the request). A failed first attempt does
 * not stick: the next call tries again. Bus client modules only.
 */
export function managerOf(owner: TransportOwner): Promise<JetStreamManager> {
  let jsm = managers.get(owner);
  if (!jsm) {
    jsm = transportOf(owner).js.jetstreamManager(false);
    jsm.catch(() => managers.delete(owner));
    managers.set(owner, jsm);
  }
  return jsm;
}

const publishers = new WeakMap<TransportOwner, AckPipeline>();

/**
 * The one publisher of a bus (or operator connection): every publish and every bucket read and
 * write it makes share one reply subscription (ack-pipeline.ts), made at its first use. Bus client
 * modules only.
 */
export function publisherOf(owner: TransportOwner): AckPipeline {
  let publisher = publishers.get(owner);
  if (!publisher) {
    const { nc, js } = transportOf(owner);
    publisher = new AckPipeline(nc, { inboxPrefix: inboxPrefix(owner.org), timeoutMs: js.getOptions().timeout ?? 5_000 });
    publishers.set(owner, publisher);
  }
  return publisher;
}
