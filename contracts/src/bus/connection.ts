/**
 * What happens to a bus's connection, in Schakel's words: nats.js reports its status as objects
 * of its own (with subscriptions and server details inside); services log these events and the
 * CLI and the console turn them into outages (reachability.ts), so they need a small, stable
 * vocabulary rather than the client's.
 */
import { errors, type NatsConnection } from "@nats-io/transport-node";
import { authenticationTimedOut } from "./errors-map.ts";

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

/**
 * Reconnecting forever, but not with refused credentials. nats.js stops reconnecting after two
 * authentication errors in a row — and counts a server too busy to authenticate in time (every
 * service reconnecting at once after a server restart) as one, which left hundreds of services
 * disconnected for good. The bus connects with that rule off (`ignoreAuthErrorAbort`) and keeps
 * it here for refusals only: two in a row close the connection (as nats.js would, with the
 * refusal as the reason); an authentication timeout is simply tried again.
 * Resolves when the connection closes.
 */
export async function closeOnRepeatedRefusal(nc: NatsConnection, onRefused: (err: Error) => void): Promise<void> {
  let refusals = 0;
  for await (const s of nc.status()) {
    if (s.type === "reconnect") refusals = 0;
    if (s.type !== "error") continue;
    const refused = (s.error instanceof errors.AuthorizationError && !authenticationTimedOut(s.error)) || s.error instanceof errors.UserAuthenticationExpiredError;
    if (!refused) continue;
    if (++refusals >= 2) {
      onRefused(s.error);
      await nc.close();
      return;
    }
  }
}

/** The pause between reconnect attempts of one connection (see {@link reconnectBackoff}). */
export interface ReconnectBackoff {
  /** The pause now, in ms: nats.js's `reconnectDelayHandler`. */
  delay: () => number;
  /** Follows the connection's outages until it closes. */
  follow: (nc: NatsConnection) => Promise<void>;
}

/**
 * A pause that grows with the outage (0.5 s at first, plus a quarter of the time since the
 * connection was lost, at most 4 s) and differs per connection and outage (× 0.5–1.5): hundreds of connections
 * lost together (a server restart) come back spread out instead of all every 0.5 s, which kept
 * a restarted server too busy to authenticate any of them in time.
 */
export function reconnectBackoff(): ReconnectBackoff {
  let lostAt: number | undefined;
  let spread = 0.5 + Math.random();
  return {
    delay: () => Math.round(Math.min(4_000, 500 + (lostAt === undefined ? 0 : (Date.now() - lostAt) / 4)) * spread),
    async follow(nc) {
      for await (const s of nc.status()) {
        if (s.type === "disconnect" && lostAt === undefined) {
          lostAt = Date.now();
          spread = 0.5 + Math.random();
        }
        if (s.type === "reconnect") lostAt = undefined;
      }
    },
  };
}
