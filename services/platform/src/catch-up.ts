/**
 * "Have we read everything stored up to time T?" — asked before judging a deadline or closing a
 * digest window at T, so that an acknowledgement stored just before a deadline, but not yet
 * processed, does not cause a wrong escalation after a restart or under load.
 *
 * Yes when the platform consumer processed a message stored at or after T (the consumer
 * delivers in stream order), or when the consumer has nothing pending and was asked after T.
 * Messages delivered to a crashed predecessor stay "ack pending" until the ack wait expires;
 * once this process has been quiet for `quietMs` they are not waited for.
 */
import type { InboxConsumer } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";

export class CatchUp {
  #through = 0;
  #lastProcessed = Date.now();
  #checked: { at: number; idle: boolean; quiet: boolean } | undefined;

  /** When this process started reading: what a predecessor published is stored before it. */
  readonly startedAt = Date.now();

  constructor(private readonly bus: Bus, private readonly consumer: InboxConsumer, private readonly quietMs = 2_000, private readonly cacheMs = 200) {}

  /** Called for every message the platform consumer processed, with its storage time. */
  observe(storedAt: Date): void {
    this.#through = Math.max(this.#through, storedAt.getTime());
    this.#lastProcessed = Date.now();
  }

  /** Storage time of the newest message processed (ms since epoch, 0 before the first). */
  get through(): number {
    return this.#through;
  }

  /** True when every message stored before `t` (ms since epoch) has been processed. */
  async reached(t: number): Promise<boolean> {
    if (this.#through >= t) return true;
    const now = Date.now();
    if (!this.#checked || now - this.#checked.at > this.cacheMs) {
      const backlog = await this.bus.consumerBacklog(this.consumer);
      this.#checked = { at: now, idle: backlog.pending === 0 && backlog.unacknowledged === 0, quiet: backlog.pending === 0 && now - this.#lastProcessed > this.quietMs };
    }
    return this.#checked.at >= t && (this.#checked.idle || this.#checked.quiet);
  }
}
