/**
 * The bundled policy information a municipality received from the platform, and (for a local
 * partner) the items its municipality routed to it.
 */
import { SchakelError } from "@schakel/contracts";
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { HandlerRefusal } from "@schakel/contracts/bus";
import { orgState, type OrgState } from "../state.ts";
import type { ReceivedDigest } from "../records.ts";
import { localPartnerIssue } from "./local-partners.ts";

/** Digests received, newest window first. */
export async function receivedDigests(bus: Bus): Promise<ReceivedDigest[]> {
  return (await (await orgState(bus)).digests.list()).map((r) => r.value).sort((a, b) => b.windowEnd.localeCompare(a.windowEnd));
}

/** One received digest. @throws SchakelError `not-found` naming the digest and how to list them */
export async function receivedDigest(bus: Bus, digestId: string): Promise<ReceivedDigest> {
  const found = await (await orgState(bus)).digests.get(digestId);
  if (!found) throw new SchakelError("not-found", `no digest ${digestId} has reached ${bus.org}; list its digests with: schakel digest list --as ${bus.org}`, { digestId, org: bus.org });
  return found.value;
}

/** Records a digest addressed to this organisation (the first copy wins; safe to repeat). */
export async function receiveDigest(state: OrgState, d: Delivery<"digest.published">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  await state.digests.create(data.digestId, {
    digestId: data.digestId, from: envelope.sender, windowStart: data.windowStart, windowEnd: data.windowEnd, items: data.items,
    receivedAt: now.toISOString(), messageId: envelope.id,
  });
}

/**
 * A local partner records an item its municipality routed to it, as a digest of one item (keyed
 * by the route id). An item routed by any other organisation is refused (dead letter with reason).
 */
export async function receiveRoutedItem(state: OrgState, d: Delivery<"digest.item.routed">, directory: Parameters<typeof localPartnerIssue>[0], now = new Date()): Promise<void> {
  const { data, envelope } = d;
  if (data.partner !== state.org) return;
  const issue = localPartnerIssue(directory, envelope.sender, state.org);
  if (issue) throw new HandlerRefusal(`digest item routed by ${envelope.sender} refused: ${issue}`, { routeId: data.routeId, from: envelope.sender });
  await state.digests.create(data.routeId, {
    digestId: data.routeId, from: envelope.sender, windowStart: data.routedAt, windowEnd: data.routedAt, items: [data.item],
    receivedAt: now.toISOString(), messageId: envelope.id,
    routedBy: { municipality: data.municipality, digestId: data.digestId, ...(data.remark ? { remark: data.remark } : {}) },
  });
}
