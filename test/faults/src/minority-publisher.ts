/**
 * A publisher on the minority side of a partition: a client connected only to the node that was
 * cut from the others (its connection stays up: only the routes are cut). It publishes until told
 * to stop and records every message it sent, every ack with the time it arrived and every refusal
 * by error code, so a test can hold the bus to "the minority acknowledges nothing".
 */
import { SchakelError } from "@schakel/contracts";
import type { Bus, Outgoing } from "@schakel/contracts/bus";
import { sleep } from "@schakel/harness";

export interface MinorityRecord {
  /** Envelope ids sent. */
  sent: string[];
  /** Acks received: envelope id and performance.now() at arrival. */
  acks: { id: string; at: number }[];
  /** Refused or unanswered sends, by Schakel error code. */
  failures: Map<string, number>;
}

export interface MinorityPublisher {
  readonly record: MinorityRecord;
  /** Sends still to be answered or refused are awaited (at most the bus's ack timeout). */
  stop(): Promise<MinorityRecord>;
}

/** Starts `window` concurrent senders of `make()` on `bus`; an unanswered send is not retried. */
export function startMinorityPublisher(bus: Bus, make: () => Outgoing, window = 4): MinorityPublisher {
  const record: MinorityRecord = { sent: [], acks: [], failures: new Map() };
  let stopped = false;
  const sender = async (): Promise<void> => {
    while (!stopped) {
      const out = make();
      record.sent.push(out.envelope.id);
      try {
        await bus.send(out);
        record.acks.push({ id: out.envelope.id, at: performance.now() });
      } catch (err) {
        const code = err instanceof SchakelError ? err.code : "other";
        record.failures.set(code, (record.failures.get(code) ?? 0) + 1);
        // A node that knows it has no stream leader answers at once: do not spin on it.
        await sleep(200);
      }
    }
  };
  const senders = Array.from({ length: window }, sender);
  return {
    record,
    async stop() {
      stopped = true;
      await Promise.all(senders);
      return record;
    },
  };
}
