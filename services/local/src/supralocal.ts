/**
 * The service of the supralocal level: associations of local governments such as VVSG, one
 * instance per organisation. It keeps its inbox like every organisation (notices with a delivery
 * receipt, coordination requests, knowledge shared by others) in its own bucket `org-<id>`; what
 * it shares it shares through the organisation functions (CLI, console).
 */
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { caseKeysFor, inboxHandlers, orgState } from "@schakel/organisation";
import { consumeWithLogs, type ServiceDefinition } from "@schakel/runtime";

export interface SupralocalOptions {
  onEvent?: (event: ConsumeEvent) => void;
}

export const supralocalService: ServiceDefinition<SupralocalOptions> = {
  name: "supralocal",
  description: "associations of local governments (VVSG): their inbox, the knowledge they share",
  organisations: (directory) => directory.organisations.filter((o) => o.level === "supralocal").map((o) => o.id),
  async start(ctx, options) {
    const consumption = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus), { caseKeys: caseKeysFor(ctx) }), options.onEvent ? { onEvent: options.onEvent } : {});
    return { stop: () => consumption.stop(), kill: () => consumption.stop() };
  },
};
