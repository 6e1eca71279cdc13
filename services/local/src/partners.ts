/**
 * The service of a municipality's partners at the local level: police zones and local partners
 * (school/CLB contact, youth service, CAW), one instance per organisation. Like every organisation
 * it keeps its inbox — notices (with a delivery receipt to the sender), coordination requests,
 * case consultations it is named in as an LIVC partner, escalations — in its own bucket `org-<id>`;
 * officials acknowledge and answer through the organisation functions (CLI, console). Under the
 * demo a police zone's service also acknowledges what asks for it (auto-acknowledge.ts).
 */
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { caseKeysFor, inboxHandlers, keepCaseState, mergeHandlers, orgState } from "@schakel/organisation";
import { consumeWithLogs, type ServiceDefinition } from "@schakel/runtime";
import { autoAcknowledging } from "./auto-acknowledge.ts";

export interface LocalPartnerOptions {
  /** Demo only: police zones acknowledge notices that ask for it without an official. */
  autoAcknowledge?: boolean;
  onEvent?: (event: ConsumeEvent) => void;
}

export const localPartnerService: ServiceDefinition<LocalPartnerOptions> = {
  name: "local-partners",
  description: "police zones and a municipality's local partners: receive notices and acknowledge them, take part in case consultations",
  organisations: (directory) => directory.organisations.filter((o) => o.level === "local" && !o.roles.includes("municipality")).map((o) => o.id),
  flags: { "auto-acknowledge": { type: "boolean", description: "demo only: police zones acknowledge notices that ask for it without an official" } },
  optionsFromFlags: (v) => (v["auto-acknowledge"] ? { autoAcknowledge: true } : {}),
  async start(ctx, options) {
    const inbox = inboxHandlers(ctx, await orgState(ctx.bus), { caseKeys: caseKeysFor(ctx) });
    const policeZone = ctx.directory.require(ctx.org).roles.includes("police-zone");
    const handlers = options.autoAcknowledge && policeZone ? mergeHandlers(inbox, autoAcknowledging(ctx)) : inbox;
    const consumption = consumeWithLogs(ctx, handlers, options.onEvent ? { onEvent: options.onEvent } : {});
    // The cases it takes part in as an LIVC-R member stay in its case state bucket while they are open.
    const cases = keepCaseState(ctx);
    const stop = async () => {
      cases.stop();
      await consumption.stop();
    };
    return { stop, kill: stop };
  },
};
