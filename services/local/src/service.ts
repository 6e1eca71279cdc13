/**
 * The municipal service, one instance per municipality: it consumes the municipality's inboxes
 * (itself, `local`, `all`, its case inbox) and records what arrives in its own bucket
 * `org-<id>` — notices (with a delivery receipt to the sender), digests, coordination requests
 * and answers, escalations, knowledge, sealed case consultations. Officials act through the
 * exported functions (acknowledgeNotice, raiseSignal, requestCoordination, …).
 */
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { inboxHandlers, orgState } from "@schakel/organisation";
import { consumeWithLogs, type ServiceDefinition } from "@schakel/runtime";

export interface LocalOptions {
  /** Observes every consume event (tests, metrics). */
  onEvent?: (event: ConsumeEvent) => void;
}

export const localService: ServiceDefinition<LocalOptions> = {
  name: "local",
  description: "the municipal service: receives notices and digests, acknowledges, raises signals, coordinates, consults cases",
  organisations: (directory) => directory.organisations.filter((o) => o.roles.includes("municipality")).map((o) => o.id),
  async start(ctx, options) {
    const consumption = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus)), options.onEvent ? { onEvent: options.onEvent } : {});
    return { stop: () => consumption.stop(), kill: () => consumption.stop() };
  },
};
