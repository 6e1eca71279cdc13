/**
 * The municipal service, one instance per municipality: it consumes the municipality's inboxes
 * (itself, `local`, `all`, its case inbox) and records what arrives in its own bucket
 * `org-<id>` — notices (with a delivery receipt to the sender), digests, coordination requests
 * and answers, escalations, knowledge, sealed case consultations. Officials act through the
 * exported functions (acknowledgeNotice, raiseSignal, requestCoordination, …).
 */
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { caseKeysFor, caseRetentionFrom, inboxHandlers, orgState, watchCaseRetention } from "@schakel/organisation";
import { consumeWithLogs, type ServiceDefinition } from "@schakel/runtime";

export interface LocalOptions {
  /** Observes every consume event (tests, metrics). */
  onEvent?: (event: ConsumeEvent) => void;
  /** How long a closed case is kept before it is erased (default: SCHAKEL_CASE_RETENTION, else 90 days). */
  caseRetentionMs?: number;
  /** How often closed cases are looked at for their retention (default 1 minute). */
  retentionTickMs?: number;
}

export const localService: ServiceDefinition<LocalOptions> = {
  name: "local",
  description: "the municipal service: receives notices and digests, acknowledges, raises signals, coordinates, consults cases",
  organisations: (directory) => directory.organisations.filter((o) => o.roles.includes("municipality")).map((o) => o.id),
  async start(ctx, options) {
    const consumption = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus), { caseKeys: caseKeysFor(ctx) }), options.onEvent ? { onEvent: options.onEvent } : {});
    // The municipality erases its closed cases once their retention ran out, and keeps its open ones.
    const retention = watchCaseRetention(ctx.bus, options.caseRetentionMs ?? caseRetentionFrom(), {
      ...(options.retentionTickMs ? { tickMs: options.retentionTickMs } : {}),
      onErased: (caseRef) => ctx.log.warn({ caseRef }, "case erased: its retention after closing ran out"),
      onKept: (keys) => ctx.log.info({ records: keys.length }, "open cases' records written again, so they do not age out of the case state bucket"),
      onError: (err) => ctx.log.error({ err }, "erasing cases past their retention failed; trying again at the next look"),
    });
    const stop = async () => {
      retention.stop();
      await consumption.stop();
    };
    return { stop, kill: stop };
  },
};
