/**
 * The console acts for an organisation on that organisation's own connection, which reconnects
 * after an outage on its own schedule (up to a few seconds after the bus is back, with the banner
 * already gone). An action taken meanwhile waits for the connection instead of timing out halfway
 * (a bucket write or a publish without an answer); when it is not back in time the action is
 * refused before anything is sent, saying so.
 */
import { SchakelError } from "@schakel/contracts";
import { watchReachability, type Bus } from "@schakel/contracts/bus";

/**
 * How long an action waits for its organisation's connection: longer than the connection's longest
 * pause between reconnection attempts (about 6 s, connection.ts), shorter than a person waits for a page.
 */
export const RECONNECT_WAIT_MS = 8_000;

export interface ConnectionReady {
  /** Resolves at once while connected; after a loss, once reconnected. @throws SchakelError `unreachable` after `waitMs`. */
  ready(): Promise<void>;
  stop(): void;
}

export function connectionReady(bus: Bus, org: string, waitMs = RECONNECT_WAIT_MS): ConnectionReady {
  const watch = watchReachability(bus, {});
  return {
    async ready() {
      if (!watch.down) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
      const reconnected = await Promise.race([watch.reachable().then(() => true as const), late]);
      clearTimeout(timer);
      if (!reconnected) {
        throw new SchakelError("unreachable", `the console's connection for ${org} has not reached the bus again within ${waitMs / 1_000} s; nothing was sent: try again in a moment`, { org }, { retryable: true });
      }
    },
    stop: () => watch.stop(),
  };
}
