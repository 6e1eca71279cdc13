/**
 * Consuming with the service conventions: processed ids remembered in the organisation's own
 * bucket (a redelivery after a crash is recognised as a duplicate), a message whose sender holds
 * none of the roles the catalog allows for its type is not acted on (the sending client checks
 * this, a hand-made message need not), and every consume event turned into a log line at a level
 * an operator can act on.
 */
import type { ConsumeEvent, Consumption, Delivery, Handlers } from "@schakel/contracts/bus";
import { catalog, type InboxConsumer, type MessageType } from "@schakel/contracts";
import { messageLogger } from "./logger.ts";
import type { OrgContext } from "./service.ts";

/** True when the sender holds a role the catalog allows to send this type. */
export function senderAllowed(ctx: Pick<OrgContext, "directory">, d: Pick<Delivery, "type" | "envelope">): boolean {
  const sender = ctx.directory.organisation(d.envelope.sender);
  return sender !== undefined && catalog[d.type].senders.some((r) => sender.roles.includes(r));
}

function guarded(ctx: OrgContext, handlers: Handlers): Handlers {
  const out: Record<string, (d: Delivery) => Promise<void> | void> = {};
  for (const [type, handler] of Object.entries(handlers) as [MessageType, (d: Delivery) => Promise<void> | void][]) {
    out[type] = (d) => {
      if (senderAllowed(ctx, d)) return handler(d);
      messageLogger(ctx.log, d.envelope).warn({ allowed: catalog[d.type].senders }, `not acted on: "${d.envelope.sender}" may not send ${d.type}`);
    };
  }
  return out as Handlers;
}

export interface ConsumeWithLogsOptions {
  /** Default: the organisation's inbox consumers. */
  consumers?: InboxConsumer[];
  /** Also called for every event (metrics, tests). */
  onEvent?: (event: ConsumeEvent) => void;
  batch?: number;
}

/** Starts consuming with typed handlers; stop it with the returned `Consumption.stop()`. */
export function consumeWithLogs(ctx: OrgContext, handlers: Handlers, opts: ConsumeWithLogsOptions = {}): Consumption {
  const log = ctx.log;
  return ctx.bus.consume({
    handlers: guarded(ctx, handlers),
    processed: ctx.processed,
    ...(opts.consumers ? { consumers: opts.consumers } : {}),
    ...(opts.batch ? { batch: opts.batch } : {}),
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
}
