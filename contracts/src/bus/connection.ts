/**
 * What happens to a bus's connection, in Schakel's words: nats.js reports its status as objects
 * of its own (with subscriptions and server details inside); services log these events and the
 * CLI and the console turn them into outages (reachability.ts), so they need a small, stable
 * vocabulary rather than the client's.
 */
import type { NatsConnection } from "@nats-io/transport-node";

/** One change of a bus's connection. */
export type ConnectionEvent =
  /** The socket to `server` was lost; the client reconnects by itself (if the bus was connected so). */
  | { kind: "disconnected"; server: string }
  /** An attempt to reach a server again is under way. */
  | { kind: "reconnecting" }
  /** The server stopped answering pings: the connection is treated as lost. */
  | { kind: "stale" }
  /** Connected again, to `server`. */
  | { kind: "reconnected"; server: string }
  /** The server reported an error on the connection (e.g. a permission violation). */
  | { kind: "error"; error: Error }
  /** A subscription of this client fell behind: `pending` messages wait in it. */
  | { kind: "slow-consumer"; subject: string; pending: number };

/**
 * The connection's events until it closes (or the caller stops iterating). Status reports that
 * mean nothing to Schakel (cluster updates, pings) are left out.
 */
export async function* connectionEvents(nc: NatsConnection): AsyncGenerator<ConnectionEvent> {
  for await (const s of nc.status()) {
    switch (s.type) {
      case "disconnect":
        yield { kind: "disconnected", server: s.server };
        break;
      case "reconnecting":
        yield { kind: "reconnecting" };
        break;
      case "staleConnection":
        yield { kind: "stale" };
        break;
      case "reconnect":
        yield { kind: "reconnected", server: s.server };
        break;
      case "error":
        yield { kind: "error", error: s.error };
        break;
      case "slowConsumer":
        yield { kind: "slow-consumer", subject: s.sub.getSubject(), pending: s.pending };
        break;
      default:
        break;
    }
  }
}
