/**
 * Who sent and received what lately, and which dead letters were filed: one pass over each
 * stream's recent window (COORD, CASE, DEADLETTER), headers only, whatever the number of
 * organisations. Kept between rounds of `status --watch`, so a later round reads only what was
 * stored since the previous one. Subjects are read by token position (`<root>.<audience>.<sender>.…`
 * and `deadletter.<consumer org>.<reason>`, contracts/src/subjects.ts).
 */
import { STREAMS } from "@schakel/contracts";
import type { OperatorConnection } from "@schakel/contracts/bus";

/** One dead letter: which organisation's consumer filed it, why, when. */
export interface DeadLetterSeen {
  org: string;
  reason: string;
  at: number;
}

/** The last message an organisation sent and the last addressed to it, in ms since the epoch. */
export interface OrgActivity {
  lastSentAt: number | undefined;
  lastReceivedAt: number | undefined;
}

const LIVE_STREAMS = [STREAMS.coord.name, STREAMS.case.name];

export class StreamActivity {
  readonly #seen = new Map<string, number>();
  readonly #lastBySender = new Map<string, number>();
  readonly #lastByAudience = new Map<string, number>();
  #deadLetters: DeadLetterSeen[] = [];
  /** Streams whose window held more messages than were read (the oldest were skipped). */
  readonly truncated = new Set<string>();

  constructor(readonly windowMs: number) {}

  /** Reads what was stored since the last refresh (the whole window the first time). Throws the JetStream error. */
  async refresh(op: OperatorConnection, now: number): Promise<void> {
    const since = new Date(now - this.windowMs);
    for (const stream of LIVE_STREAMS) {
      for (const m of await this.#read(op, stream, since)) {
        const [, audience, sender] = m.subject.split(".");
        const at = m.storedAt.getTime();
        if (sender) this.#lastBySender.set(sender, Math.max(at, this.#lastBySender.get(sender) ?? 0));
        if (audience) this.#lastByAudience.set(audience, Math.max(at, this.#lastByAudience.get(audience) ?? 0));
      }
    }
    const filed = (await this.#read(op, STREAMS.deadletter.name, since)).map((m) => {
      const [, org = "?", reason = "?"] = m.subject.split(".");
      return { org, reason, at: m.storedAt.getTime() };
    });
    this.#deadLetters = [...this.#deadLetters.filter((d) => d.at >= since.getTime()), ...filed];
  }

  async #read(op: OperatorConnection, stream: string, since: Date) {
    const afterSeq = this.#seen.get(stream);
    const read = await op.recentMessages(stream, { since, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    this.#seen.set(stream, read.throughSeq);
    if (read.truncated) this.truncated.add(stream);
    return read.messages;
  }

  /** What `org` sent, and the last message to one of its `audiences` (itself, its level, everyone). */
  of(org: string, audiences: readonly string[]): OrgActivity {
    const received = audiences.map((a) => this.#lastByAudience.get(a) ?? 0);
    const lastReceived = Math.max(...received);
    return { lastSentAt: this.#lastBySender.get(org), lastReceivedAt: lastReceived > 0 ? lastReceived : undefined };
  }

  /** The dead letters filed within the window, oldest first. */
  deadLetters(now: number): DeadLetterSeen[] {
    return this.#deadLetters.filter((d) => d.at >= now - this.windowMs);
  }
}
