/**
 * Whether a connection can reach the bus, as outages: nats.js reports a lost socket at once
 * (`disconnect`, then `reconnecting` attempts, or a `staleConnection` when pings go unanswered)
 * and `reconnect` when it is back. Here that becomes one `lost` per outage and one `back` with
 * how long it lasted — what the CLI and the console tell their users.
 */
import type { NatsConnection } from "@nats-io/transport-node";

export interface ReachabilityWatch {
  /** The bus is unreachable right now. */
  readonly down: boolean;
  stop(): void;
}

export interface ReachabilityHandlers {
  /** The bus went away (`at`: Date.now()). */
  lost?: (at: number) => void;
  /** The bus is reachable again after `downMs`. */
  back?: (downMs: number) => void;
}

/** Follows `nc`'s status events until the connection closes or `stop()`. */
export function watchReachability(nc: NatsConnection, on: ReachabilityHandlers): ReachabilityWatch {
  let lostAt: number | undefined;
  let stopped = false;
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) return;
      if ((s.type === "disconnect" || s.type === "reconnecting" || s.type === "staleConnection") && lostAt === undefined) {
        lostAt = Date.now();
        on.lost?.(lostAt);
      } else if (s.type === "reconnect" && lostAt !== undefined) {
        const downMs = Date.now() - lostAt;
        lostAt = undefined;
        on.back?.(downMs);
      }
    }
  })().catch(() => undefined); // the status iterator ends with the connection
  return {
    get down() {
      return lostAt !== undefined;
    },
    stop() {
      stopped = true;
    },
  };
}
