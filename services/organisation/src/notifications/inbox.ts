/**
 * Where notifications start: around the organisation's inbox handlers. Once a handler has
 * recorded a message addressed to the organisation, the notifier is told of it — inside the same
 * handler run, so a failed record is retried with the message and a redelivery finds the
 * notification already made. A handler set used without a connection (handler tests) is left as it is.
 */
import type { Delivery, Handlers } from "@schakel/contracts/bus";
import type { OrgContext } from "@schakel/runtime";
import { isAddressedTo } from "../addressing.ts";
import { notifiedTypes } from "./events.ts";
import { notifierFor } from "./notifier.ts";

type Handler = (d: Delivery) => Promise<void> | void;

/** The handlers, each of the notified types followed by the notifier. */
export function withNotifications(ctx: Pick<OrgContext, "org" | "directory" | "log"> & Partial<Pick<OrgContext, "bus" | "config">>, handlers: Handlers): Handlers {
  const { bus, config } = ctx;
  if (!bus || !config) return handlers;
  const notifier = notifierFor(bus, {
    dataDir: config.dataDir,
    onError: (err) => ctx.log.warn({ err }, "notification could not be prepared; it is tried again at the next start"),
    onAttempt: (r) => {
      const fields = { person: r.person, event: r.event, message_id: r.messageId, status: r.status, attempts: r.attempts, error: r.lastError };
      if (r.status === "delivered") ctx.log.info(fields, "notification delivered");
      else ctx.log.warn(fields, "notification not delivered");
    },
  });
  const out: Record<string, Handler> = { ...(handlers as Record<string, Handler>) };
  for (const type of notifiedTypes()) {
    const inner = out[type];
    if (!inner) continue;
    out[type] = async (d) => {
      await inner(d);
      if (!isAddressedTo(ctx.directory, ctx.org, d.envelope)) return;
      await notifier.observe({ type, sender: d.envelope.sender, id: d.envelope.id, data: d.data as Record<string, unknown>, receivedAt: new Date() });
    };
  }
  return out as Handlers;
}
