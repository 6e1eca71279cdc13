/**
 * While a command runs, its connection may drop. The bus reconnects by itself; the watch says so
 * on stderr (`lost the bus at …; retrying`, then `reached the bus again at … after 3.4s`) and
 * closes the connection when the bus stays away longer than `--wait`, so the command ends with
 * exit 3 instead of hanging.
 */
import { watchReachability, type Bus } from "@schakel/contracts/bus";
import { seconds } from "./bus-wait.ts";
import { note } from "./output.ts";

export interface BusWatch {
  /** The connection was lost at least once while watched. */
  readonly interrupted: boolean;
  /** The bus stayed away longer than the wait, and the connection was closed. */
  readonly gaveUp: boolean;
  /** The connection is down right now (reconnecting). */
  readonly down: boolean;
  stop(): void;
}

/** Watches `bus` while a command runs; `url` is what the notes name, `waitMs` how long to wait for it. */
export function watchConnection(bus: Bus, url: string, waitMs: number): BusWatch {
  let interrupted = false;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  const reachability = watchReachability(bus, {
    lost: () => {
      interrupted = true;
      if (waitMs > 0) note(`lost the bus at ${url}; retrying (giving up in ${seconds(waitMs)}; Ctrl-C to stop)`);
      timer = setTimeout(() => {
        gaveUp = true;
        void bus.kill();
      }, waitMs);
    },
    back: (downMs) => {
      clearTimeout(timer);
      note(`reached the bus again at ${url} after ${seconds(downMs, true)}`);
    },
  });
  return {
    get interrupted() { return interrupted; },
    get gaveUp() { return gaveUp; },
    get down() { return reachability.down; },
    stop() {
      reachability.stop();
      clearTimeout(timer);
    },
  };
}
