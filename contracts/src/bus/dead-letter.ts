/**
 * Files a refused message in the dead-letter stream with its reason and original bytes, then
 * terminates it on its consumer. A message is never terminated before the DEADLETTER stream has
 * acknowledged its record:
 * - on an earlier delivery, a failed filing naks the message, so it comes back and is filed later;
 * - on the consumer's last allowed delivery a nak would never come back (the server stops at
 *   max_deliver), so the filing is retried in place, keeping the message alive with progress acks,
 *   until it succeeds or the consumption stops.
 */
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import type { JsMsg } from "@nats-io/jetstream";
import { deadLetterSubject } from "../subjects.ts";
import type { Bus } from "./bus.ts";
import { recordDeadLetter } from "./bus-metrics.ts";
import { asciiHeaderValue, HEADERS } from "./headers.ts";
import type { Rejection } from "./rejection.ts";
import { transportOf } from "./transport.ts";

/** Header values are one line of ASCII (headers.ts says why). */
const oneLine = (s: string): string => asciiHeaderValue(s);
/** Delay before a message whose filing failed is delivered again. */
export const REFILE_DELAY_MS = 5_000;

export interface FilingOptions {
  /** This is the last delivery the consumer allows (delivery count ≥ its max_deliver). */
  lastDelivery?: boolean;
  /** True once the consumption is stopping: give up retrying in place. */
  stopping?: () => boolean;
  /** Told about every failed filing attempt (for logs and metrics). */
  onFailure?: (error: string, attempt: number) => void;
}

function recordHeaders(m: JsMsg, consumer: string, rejection: Rejection): MsgHdrs {
  const h = natsHeaders();
  h.set(HEADERS.reason, rejection.reason);
  h.set(HEADERS.detail, oneLine(rejection.detail));
  h.set(HEADERS.sourceStream, m.info.stream);
  h.set(HEADERS.sourceSeq, String(m.seq));
  h.set(HEADERS.sourceSubject, oneLine(m.subject));
  h.set(HEADERS.consumer, consumer);
  const original = (name: string): string | undefined => {
    try {
      return m.headers?.get(name) || undefined;
    } catch {
      return undefined;
    }
  };
  for (const name of [HEADERS.signature, HEADERS.traceparent, HEADERS.replay] as const) {
    const value = original(name);
    if (value) h.set(name, oneLine(value));
  }
  // Where it waited before the hub stored it: a re-drive keeps its OUTBOX allowance (redrive.ts).
  const origin = original(HEADERS.streamSource) ?? original(HEADERS.waitedIn);
  if (origin) h.set(HEADERS.sourceOrigin, oneLine(origin));
  return h;
}

/** Files `m` and terminates it; resolves false when it could not be filed (and was not terminated). */
export async function deadLetter(bus: Bus, m: JsMsg, consumer: string, rejection: Rejection, opts: FilingOptions = {}): Promise<boolean> {
  const headers = recordHeaders(m, consumer, rejection);
  const subject = deadLetterSubject(bus.org, rejection.reason);
  // Same id for every attempt and redelivery of this refusal: the record is stored once.
  const msgID = bus.identity.derivedId(`deadletter|${m.info.stream}|${m.seq}|${consumer}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await transportOf(bus).js.publish(subject, m.data, { headers, msgID });
      // No reason text: nats-server 2.9 ignores "+TERM <reason>" and would redeliver the message.
      m.term();
      recordDeadLetter(bus.org, rejection.reason, m.subject);
      return true;
    } catch (err) {
      opts.onFailure?.(`could not file ${m.info.stream}#${m.seq} in the dead-letter stream: ${(err as Error)?.message ?? err}`, attempt);
      if (!opts.lastDelivery) {
        m.nak(REFILE_DELAY_MS);
        return false;
      }
      if (opts.stopping?.()) return false;
      m.working();
      await new Promise((r) => setTimeout(r, Math.min(500 * attempt, REFILE_DELAY_MS)));
    }
  }
}
