/**
 * A municipality routes an item of its digest to one of its local partners (a school contact
 * point, a youth service, a CAW), who takes it up. The item goes to the partner and to the
 * policy domain that published it (which sees who took it up); the digest's record keeps the route.
 */
import { actorRefOf, SchakelError, traceIdOf, type Actor } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { localPartnerIssue } from "./local-partners.ts";
import { receivedDigest } from "./received.ts";

export interface RouteDigestItemInput {
  digestId: string;
  updateId: string;
  /** The local partner (organisation id). */
  partner: string;
  remark?: string;
  actor?: Actor;
}

export interface RoutedDigestItem {
  routeId: string;
  digestId: string;
  updateId: string;
  partner: string;
  /** Who it was sent to: the partner, then the item's policy domain. */
  sentTo: string[];
  /** True when this item had been routed to this partner before (nothing new sent). */
  alreadyRouted: boolean;
  traceId?: string;
}

/**
 * Routes one item of a digest that reached the bus's organisation (a municipality) to one of its
 * local partners. @throws SchakelError `not-allowed` when the organisation is not a municipality
 * or `partner` is not one of its local partners (naming them), `not-found` for an unknown digest
 * or item, SchemaError for a remark that is too long.
 */
export async function routeDigestItem(bus: Bus, input: RouteDigestItemInput, now = new Date()): Promise<RoutedDigestItem> {
  if (!bus.directory.require(bus.org).roles.includes("municipality")) {
    throw new SchakelError("not-allowed", `"${bus.org}" is not a municipality: only a municipality routes digest items to its local partners`, { org: bus.org });
  }
  const issue = localPartnerIssue(bus.directory, bus.org, input.partner);
  if (issue) throw new SchakelError("not-allowed", `cannot route to ${input.partner}: ${issue}`, { partner: input.partner, municipality: bus.org });
  const digest = await receivedDigest(bus, input.digestId);
  const item = digest.items.find((i) => i.updateId === input.updateId);
  if (!item) {
    throw new SchakelError("not-found", `item ${input.updateId} is not in digest ${digest.digestId}; its items: ${digest.items.map((i) => i.updateId).join(", ")}`, { digestId: digest.digestId, updateId: input.updateId });
  }
  const earlier = digest.routes?.find((r) => r.updateId === item.updateId && r.partner === input.partner);
  const sentTo = [input.partner, ...(bus.directory.organisation(item.publishedBy) ? [item.publishedBy] : [])];
  if (earlier) return { routeId: earlier.routeId, digestId: digest.digestId, updateId: item.updateId, partner: input.partner, sentTo, alreadyRouted: true };
  const routeId = bus.identity.derivedId(`digest-route|${digest.digestId}|${item.updateId}|${input.partner}`);
  const routedAt = now.toISOString();
  const data = {
    routeId, digestId: digest.digestId, municipality: bus.org, partner: input.partner, item, routedAt, ...(input.remark ? { remark: input.remark } : {}),
  };
  const actor = input.actor ? { actor: input.actor } : {};
  const first = await bus.publish("digest.item.routed", data, { to: input.partner, idempotencyKey: `route|${routeId}`, ...actor });
  for (const to of sentTo.slice(1)) await bus.publish("digest.item.routed", data, { to, idempotencyKey: `route|${routeId}`, ...actor });
  const by = actorRefOf(first.envelope);
  const state = await orgState(bus);
  await state.digests.mutate(digest.digestId, (cur) => cur && !cur.routes?.some((r) => r.routeId === routeId)
    ? { ...cur, routes: [...(cur.routes ?? []), { routeId, updateId: item.updateId, partner: input.partner, at: routedAt, messageId: first.id, ...(input.remark ? { remark: input.remark } : {}), ...(by ? { actor: by } : {}) }] }
    : undefined);
  return { routeId, digestId: digest.digestId, updateId: item.updateId, partner: input.partner, sentTo, alreadyRouted: false, traceId: traceIdOf(first.envelope.traceparent) };
}
