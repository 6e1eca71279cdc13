/**
 * Publishing the way a careful service does: every message is prepared (and signed) once, sent
 * with `Nats-Msg-Id` = its envelope id, and sent again with the same id until JetStream
 * acknowledges it, across server kills, failovers and reconnects. What was acknowledged is what
 * the fault scenarios hold the bus to.
 */
import { SchakelError } from "@schakel/contracts";
import type { Bus, Outgoing } from "@schakel/contracts/bus";
import { sleep } from "@schakel/harness";

export interface PublishProgress {
  /** Envelope ids JetStream acknowledged. */
  acked: Set<string>;
  /** Sends that failed (timeout, disconnect, no leader) and were retried. */
  retries: number;
  /** Acks that JetStream marked duplicate: a retry of a message it had already stored. */
  duplicateAcks: number;
  /** Longest time without any ack while messages were waiting, in ms. */
  longestStallMs: number;
  /** Failed sends by Schakel error code (e.g. `timeout`, `unreachable`). */
  failures: Map<string, number>;
}

export interface PublishOptions {
  /** Messages in flight at once (default 64). */
  window?: number;
  /** Give up (and throw) after this long (default 240 s). */
  deadlineMs?: number;
  /** Keep publishing past `count` while this says so (e.g. until a fault has been healed). */
  more?: () => boolean;
  /** Called after each ack with the number acknowledged so far (drives the fault schedule). */
  onAck?: (acked: number) => void | Promise<void>;
}

/**
 * Sends `count` messages made by `make(i)` (or more, see `more`) and resolves once every one is
 * acknowledged.
 *
 * @throws Error when the deadline passes first, naming how many were still unacknowledged.
 */
export async function publishReliably(bus: Bus, count: number, make: (i: number) => Outgoing, opts: PublishOptions = {}): Promise<PublishProgress> {
  const progress: PublishProgress = { acked: new Set(), retries: 0, duplicateAcks: 0, longestStallMs: 0, failures: new Map() };
  const deadline = Date.now() + (opts.deadlineMs ?? 240_000);
  let next = 0;
  let lastAck = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count || opts.more?.()) {
      const out = make(next++);
      for (let attempt = 1; ; attempt++) {
        if (Date.now() > deadline) throw new Error(`publishing timed out with ${next - progress.acked.size} of ${next} messages unacknowledged`);
        try {
          const ack = await bus.send(out);
          if (ack.duplicate) progress.duplicateAcks++;
          progress.acked.add(ack.id);
          const now = performance.now();
          progress.longestStallMs = Math.max(progress.longestStallMs, now - lastAck);
          lastAck = now;
          await opts.onAck?.(progress.acked.size);
          break;
        } catch (err) {
          // Not acknowledged: maybe stored, maybe not. The same id makes a second copy impossible.
          progress.retries++;
          const code = err instanceof SchakelError ? err.code : "other";
          progress.failures.set(code, (progress.failures.get(code) ?? 0) + 1);
          await sleep(Math.min(100 * attempt, 1_000));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: opts.window ?? 64 }, worker));
  return progress;
}
