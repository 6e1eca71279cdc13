/**
 * Consuming with the service conventions: processed ids remembered in the organisation's own
 * bucket (a redelivery after a crash is recognised as a duplicate), and every consume event turned
 * into a log line at a level an operator can act on.
 *
 * Logging lives in the consumption's event sink, not in an inbound interceptor: an interceptor
 * sees only handler runs, while the sink is told every outcome — processed, ignored, duplicate,
 * retried, refused and dead-lettered, a consumer that is unavailable — and is called inside the
 * message's span, so each line carries its trace. Who may send what is not checked here: the
 * decode path refuses a sender without a role allowed for the type (`sender-not-allowed`) before
 * any handler runs.
 */
import type { ConsumeEvent, Consumption, Handlers, InboundInterceptor } from "@schakel/contracts/bus";
import type { InboxConsumer, MessageType } from "@schakel/contracts";
import type { OrgContext } from "./service.ts";
import { trackConsumption } from "./health/organisation-readiness.ts";

export interface ConsumeWithLogsOptions {
  /** Default: the organisation's inbox consumers. */
  consumers?: InboxConsumer[];
  /** Around every handler run, first one outermost (e.g. bookkeeping of what was read). */
  interceptors?: readonly InboundInterceptor[];
  /** Also called for every event (metrics, tests). */
  onEvent?: (event: ConsumeEvent) => void;
  batch?: number;
  /** Types whose handlers may run side by side (contracts' consume, `independent`). */
  independent?: readonly MessageType[];
}

/** Starts consuming with typed handlers; stop it with the returned `Consumption.stop()`. */
export function consumeWithLogs(ctx: OrgContext, handlers: Handlers, opts: ConsumeWithLogsOptions = {}): Consumption {
  const log = ctx.log;
  const consumption = ctx.bus.consume({
    handlers,
    processed: ctx.processed,
    ...(opts.consumers ? { consumers: opts.consumers } : {}),
    ...(opts.interceptors ? { interceptors: opts.interceptors } : {}),
    ...(opts.batch ? { batch: opts.batch } : {}),
    ...(opts.independent ? { independent: opts.independent } : {}),
    onEvent: (e) => {
      switch (e.kind) {
        case "processed":
          log.debug({ type: e.type, message_id: e.id, consumer: e.consumer, seq: e.seq, ms: Math.round(e.ms * 10) / 10 }, "processed");
          break;
        case "ignored":
        case "duplicate":
          log.debug({ type: e.type, message_id: e.id, consumer: e.consumer, seq: e.seq }, e.kind);
          break;
        case "retry":
          log.warn({ type: e.type, message_id: e.id, consumer: e.consumer, seq: e.seq, attempt: e.attempt, err: e.error }, "handler failed; will retry");
          break;
        case "rejected":
          log.error({ consumer: e.consumer, seq: e.seq, subject: e.subject, reason: e.rejection.reason, detail: e.rejection.detail, filed: e.filed }, "message refused and dead-lettered");
          break;
        case "consumer-error":
          log.warn({ consumer: e.consumer, err: e.error }, "consumer unavailable; retrying");
          break;
      }
      opts.onEvent?.(e);
    },
  });
  // Its consumers' binding and catch-up are the organisation's readiness (health/organisation-readiness.ts).
  trackConsumption(ctx.bus, consumption);
  return consumption;
}
