/**
 * Publishing a policy update: a policy domain (education, welfare, youth, work…) sends its
 * information for local governments to the platform, which bundles it into one digest per
 * municipality per window instead of one stream per domain.
 */
import { newMessageId, PolicyDomain, SchakelError, traceIdOf, type PreventionTier } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { orgState } from "../state.ts";
import { recordPublishedUpdate } from "./uptake.ts";

export interface PolicyUpdateInput {
  title: string;
  summary: string;
  /** Municipalities or groups (e.g. `local`) the update is for. */
  concerns: string[];
  effectiveFrom?: string | Date;
  link?: string;
  preventionTier?: PreventionTier;
  /** Give the id of an earlier attempt to retry it with the same message id. */
  updateId?: string;
}

export interface PublishedPolicyUpdate {
  updateId: string;
  to: string;
  messageId: string;
  traceId: string;
  duplicate: boolean;
}

/**
 * Publishes a policy update as the bus's organisation (a policy domain: its `domain` comes from
 * the registry) to the platform, and records it in the domain's state (where reads and routes of
 * the municipalities are added: uptake.ts). Throws SchakelError when the organisation is not a policy
 * domain, SchemaError for invalid fields.
 */
export async function publishPolicyUpdate(bus: Bus, input: PolicyUpdateInput): Promise<PublishedPolicyUpdate> {
  const me = bus.directory.require(bus.org);
  const domain = PolicyDomain.safeParse(me.domain);
  if (!me.roles.includes("policy-domain") || !domain.success) {
    throw new SchakelError("not-allowed", `"${bus.org}" is not a policy domain with a known domain in the registry; policy updates come from the policy domains`, { org: bus.org });
  }
  const updateId = input.updateId ?? newMessageId();
  const to = platformOf(bus.directory);
  // What the update says: sent, and kept in the domain's record of it.
  const update = {
    updateId, title: input.title, summary: input.summary, concerns: input.concerns,
    ...(input.effectiveFrom ? { effectiveFrom: new Date(input.effectiveFrom).toISOString() } : {}),
    ...(input.link ? { link: input.link } : {}), ...(input.preventionTier ? { preventionTier: input.preventionTier } : {}),
  };
  const sent = await bus.publish("policy.update.published", { ...update, domain: domain.data }, { to, idempotencyKey: `policy-update|${updateId}` });
  await recordPublishedUpdate(await orgState(bus), { ...update, publishedAt: sent.envelope.time, messageId: sent.id });
  return { updateId, to, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
}
