/**
 * Whether the console can reach the bus right now: up or down, the bus URL, since when, and when
 * the newest message it has read was stored. Fed by the connection's own status events (the
 * client reports a lost socket at once and keeps reconnecting), so every page, the live streams,
 * the status route and the post form can say the same thing; the operator gets a note on each
 * change.
 */
import { watchReachability, type Bus } from "@schakel/contracts/bus";

export interface BusState {
  bus: "up" | "down";
  /** The bus URL(s) the console connects to, as configured. */
  url: string;
  /** When the bus last went up or down (ms since the epoch). */
  since: number;
  /** Broker storage time of the newest message read, if any (ms since the epoch). */
  lastMessageAt?: number;
}

export type BusStateListener = (state: BusState) => void;

export class BusStatus {
  #state: BusState;
  readonly #listeners = new Set<BusStateListener>();

  constructor(url: string, now = Date.now()) {
    this.#state = { bus: "up", url, since: now };
  }

  get state(): BusState {
    return this.#state;
  }

  get down(): boolean {
    return this.#state.bus === "down";
  }

  /** Records a change; returns the previous state when it changed, undefined when it did not. */
  change(bus: BusState["bus"], at = Date.now()): BusState | undefined {
    const previous = this.#state;
    if (previous.bus === bus) return undefined;
    this.#state = { ...previous, bus, since: at };
    for (const listener of this.#listeners) {
      try {
        listener(this.#state);
      } catch {
        // A broken listener (a closed browser tab) must not stop the others.
      }
    }
    return previous;
  }

  /** Notes a message read from the bus (its broker storage time). */
  messageRead(storedAt: number): void {
    if (storedAt > (this.#state.lastMessageAt ?? 0)) this.#state = { ...this.#state, lastMessageAt: storedAt };
  }

  /** Calls `listener` on every change from now on; returns the unsubscribe function. */
  subscribe(listener: BusStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** `4.2s`, `95s`: how long the bus was away, for the operator note. */
const seconds = (ms: number) => `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)}s`;

/**
 * Follows the bus's reachability into `status` until the connection closes, with an operator note
 * when the bus goes away and when it is back.
 */
export function watchConnection(bus: Bus, status: BusStatus, note: (line: string) => void): void {
  watchReachability(bus, {
    lost: (at) => {
      if (status.change("down", at)) note(`cannot reach the bus at ${status.state.url}; retrying`);
    },
    back: (downMs) => {
      if (status.change("up")) note(`reached the bus at ${status.state.url} again after ${seconds(downMs)}`);
    },
  });
}
