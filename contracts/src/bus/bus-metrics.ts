/**
 * The bus client's metrics (catalog: `../metrics.ts`): every send with its latency, every message a
 * consumption reads with its outcome and handler time, retries, and dead letters. Recorded on the
 * global MeterProvider (a no-op without one). Attributes are bounded: a type that is not in the
 * catalog (a forged or broken message) is counted as `unknown`, never as the text it carried.
 */
import { isMessageType } from "../catalog.ts";
import type { Attributes } from "@opentelemetry/api";
import { countMetric, metricAttributes, recordMetric } from "../instruments.ts";
import { MESSAGING_SYSTEM, METRIC_ATTRIBUTES as A, METRICS, UNKNOWN_TYPE } from "../metrics.ts";
import { typeInSubject } from "../subjects.ts";
import type { ConsumeEvent } from "./consume.ts";

/** The message type of a stored subject when it is a catalog type, else `unknown`. */
export function typeOfSubject(subject: string): string {
  const type = typeInSubject(subject);
  return isMessageType(type) ? type : UNKNOWN_TYPE;
}

/**
 * The attribute set of a send, made once per combination and reused: the sets are few (types ×
 * organisations × error codes) and a send then allocates nothing for its metrics.
 */
const sendAttributes = new Map<string, Attributes>();

/** Records one send: counted, and its time to the stream's acknowledgement; `error` names a failure's code. */
export function recordSend(type: string, org: string, startedMs: number, error?: string): void {
  const key = `${type}|${org}|${error ?? ""}`;
  let attributes = sendAttributes.get(key);
  if (!attributes) {
    attributes = metricAttributes({ [A.system]: MESSAGING_SYSTEM, [A.operation]: "publish", [A.type]: type, [A.organisation]: org, [A.error]: error });
    sendAttributes.set(key, attributes);
  }
  countMetric(METRICS.sent, attributes);
  recordMetric(METRICS.publishDuration, (performance.now() - startedMs) / 1_000, attributes);
}

/** The `error.type` of a failed send: the SchakelError code, else the error's class name. */
export function errorType(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? code : (err as Error)?.name ?? "Error";
}

/** Records a message filed in the dead-letter stream by `org`'s consumption. */
export function recordDeadLetter(org: string, reason: string, subject: string): void {
  countMetric(METRICS.deadLettered, { [A.organisation]: org, [A.reason]: reason, [A.type]: typeOfSubject(subject) });
}

/** The attribute sets of one (type, consumer) of a consumption: made at its first event, reused after. */
interface ProcessAttributes {
  process: Attributes;
  outcome: Map<string, Attributes>;
  retry: Attributes;
}

/**
 * Wraps a consumption's event sink so that every event is also counted. The attribute sets are
 * few (types × consumers × outcomes) and made once each: a message's events allocate none.
 */
export function meteredEvents(org: string, sink: (event: ConsumeEvent) => void): (event: ConsumeEvent) => void {
  const sets = new Map<string, Map<string, ProcessAttributes>>();
  const setsOf = (type: string, consumer: string): ProcessAttributes => {
    let ofType = sets.get(type);
    if (!ofType) sets.set(type, (ofType = new Map()));
    let found = ofType.get(consumer);
    if (!found) {
      found = {
        process: { [A.system]: MESSAGING_SYSTEM, [A.operation]: "process", [A.type]: type, [A.organisation]: org, [A.consumer]: consumer },
        outcome: new Map(),
        retry: { [A.type]: type, [A.organisation]: org, [A.consumer]: consumer, [A.reason]: "handler-failed" },
      };
      ofType.set(consumer, found);
    }
    return found;
  };
  return (e) => {
    if (e.kind !== "consumer-error") {
      const a = setsOf(e.kind === "rejected" ? typeOfSubject(e.subject) : e.type, e.consumer);
      let outcome = a.outcome.get(e.kind);
      if (!outcome) a.outcome.set(e.kind, (outcome = { ...a.process, [A.outcome]: e.kind }));
      countMetric(METRICS.consumed, outcome);
      if (e.kind === "processed") recordMetric(METRICS.processDuration, e.ms / 1_000, a.process);
      if (e.kind === "retry") countMetric(METRICS.retried, a.retry);
    }
    sink(e);
  };
}
