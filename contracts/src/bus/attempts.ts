/**
 * How often a handler has failed on a message, counted by the consumer itself rather than read
 * from the broker's delivery count.
 *
 * On nats-server before 2.9.22 a pull request left at the hub by a consumer whose leaf link (or
 * connection) just dropped still "receives" messages: each failed delivery raises the delivery
 * count and, with a server-side max_deliver, the message is dropped without ever reaching the
 * consumer. Schakel's inbox consumers therefore have no server-side max_deliver; this ledger
 * decides when a failing message is given up to the dead-letter stream, and the broker's count
 * only bounds a message that never gets acknowledged at all (a handler crashing its process).
 */

/** Deliveries without an acknowledgement after which a message is filed as unreadable. */
export const REDELIVERY_LIMIT = 500;

/** What the ledger keeps of a failing message: attempts so far, the last error, how to file it. */
export interface Failure {
  /** What failed, e.g. "handler for notice.posted". */
  what: string;
  error: string;
  reason: "handler-failed" | "handler-refused" | "not-a-member" | "unreadable";
}
export type Failures = Failure & { count: number };

/** The detail of the dead-letter record of a message that used up its attempts. */
export const failuresText = (f: Failures): string =>
  f.reason === "handler-refused" || f.reason === "not-a-member" ? `${f.what} refused it (not retried): ${f.error}` : `${f.what} failed ${f.count} times; last error: ${f.error}`;

export class HandlerAttempts {
  readonly #failures = new Map<string, Failures>();

  constructor(readonly maxAttempts: number) {}

  /** Records a failed attempt; `count` is its number (1 for the first). */
  failed(key: string, failure: Failure): Failures {
    const failures = { ...failure, count: (this.#failures.get(key)?.count ?? 0) + 1 };
    this.#failures.set(key, failures);
    return failures;
  }

  /**
   * Records a refusal (an error that says trying again cannot help): the message counts as having
   * used up its attempts, so a redelivery after a failed filing is filed without running again.
   */
  refused(key: string, failure: Failure): Failures {
    const failures = { ...failure, count: this.maxAttempts };
    this.#failures.set(key, failures);
    return failures;
  }

  /** The last error of a message that used up its attempts (its filing is still pending). */
  exhausted(key: string): Failures | undefined {
    const f = this.#failures.get(key);
    return f && f.count >= this.maxAttempts ? f : undefined;
  }

  /** Forgets a message once it is acknowledged or filed. */
  clear(key: string): void {
    this.#failures.delete(key);
  }
}
