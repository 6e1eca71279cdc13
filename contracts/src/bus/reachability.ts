/**
 * Whether a bus can be reached, as outages: the connection reports a lost socket at once
 * (`disconnected`, then `reconnecting` attempts, or `stale` when pings go unanswered) and
 * `reconnected` when it is back. Here that becomes one `lost` per outage and one `back` with
 * how long it lasted — what the CLI and the console tell their users.
 */
import type { ConnectionEvent } from "./connection.ts";

export interface ReachabilityWatch {
  /** The bus is unreachable right now. */
  readonly down: boolean;
  /** Resolves at once while the bus is reachable, else when it is back. */
  reachable(): Promise<void>;
  stop(): void;
}

export interface ReachabilityHandlers {
  /** The bus went away (`at`: Date.now()). */
  lost?: (at: number) => void;
  /** The bus is reachable again after `downMs`. */
  back?: (downMs: number) => void;
}

/** Follows a connection's events (a Bus's or an operator's) until the connection closes or `stop()`. */
export function watchReachability(bus: { connectionEvents(): AsyncIterable<ConnectionEvent> }, on: ReachabilityHandlers): ReachabilityWatch {
  let lostAt: number | undefined;
  let stopped = false;
  /** Told when the bus is back: who asked for `reachable()` while it was away. */
  const waiting: (() => void)[] = [];
  void (async () => {
    for await (const e of bus.connectionEvents()) {
      if (stopped) return;
      if ((e.kind === "disconnected" || e.kind === "reconnecting" || e.kind === "stale") && lostAt === undefined) {
        lostAt = Date.now();
        on.lost?.(lostAt);
      } else if (e.kind === "reconnected" && lostAt !== undefined) {
        const downMs = Date.now() - lostAt;
        lostAt = undefined;
        for (const resolve of waiting.splice(0)) resolve();
        on.back?.(downMs);
      }
    }
  })().catch(() => undefined); // the status iterator ends with the connection
  return {
    get down() {
      return lostAt !== undefined;
    },
    reachable: () => (lostAt === undefined ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    stop() {
      stopped = true;
    },
  };
}
