/**
 * A municipality confirms it read a digest: every item, or the items named. Each policy domain
 * whose items were confirmed gets a `digest.read` with its own items, the platform one with all;
 * the digest's record keeps what was confirmed, by whom and when, so a second confirmation of
 * the same items sends nothing new.
 */
import { actorRefOf, SchakelError, traceIdOf, type Actor, type ReadDigestItem } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { orgState } from "../state.ts";
import { receivedDigest } from "./received.ts";

export interface ConfirmDigestInput {
  digestId: string;
  /** The items (update ids) read; absent or empty: the whole digest. */
  updateIds?: readonly string[];
  /** The signed-in person confirming; absent: the service. */
  actor?: Actor;
}

export interface ConfirmedDigest {
  digestId: string;
  /** Items confirmed now. */
  confirmed: string[];
  /** Items that had been confirmed before (nothing sent for them). */
  alreadyRead: string[];
  /** Who the confirmation went to (the policy domains of the items, then the platform). */
  sentTo: string[];
  readAt?: string;
  traceId?: string;
}

/**
 * Confirms reading items of a digest that reached the bus's organisation. @throws SchakelError
 * `not-found` for an unknown digest or an item not in it (naming the digest's items),
 * `not-allowed` for an item a municipality routed to this organisation (nothing to confirm).
 */
export async function confirmDigestRead(bus: Bus, input: ConfirmDigestInput, now = new Date()): Promise<ConfirmedDigest> {
  const digest = await receivedDigest(bus, input.digestId);
  if (digest.routedBy) {
    throw new SchakelError("not-allowed", `${input.digestId} is an item ${digest.routedBy.municipality} routed to ${bus.org}, not a digest of the platform: there is nothing to confirm to the policy domain`, { digestId: input.digestId });
  }
  const wanted = input.updateIds?.length ? [...new Set(input.updateIds)] : digest.items.map((i) => i.updateId);
  const unknown = wanted.filter((id) => !digest.items.some((i) => i.updateId === id));
  if (unknown.length) {
    throw new SchakelError("not-found", `item ${unknown.join(", ")} is not in digest ${digest.digestId}; its items: ${digest.items.map((i) => i.updateId).join(", ")}`, { digestId: digest.digestId, items: unknown });
  }
  const read = new Set((digest.reads ?? []).map((r) => r.updateId));
  const alreadyRead = wanted.filter((id) => read.has(id));
  const items: ReadDigestItem[] = digest.items.filter((i) => wanted.includes(i.updateId) && !read.has(i.updateId))
    .map((i) => ({ updateId: i.updateId, domain: i.domain, publishedBy: i.publishedBy }));
  if (!items.length) return { digestId: digest.digestId, confirmed: [], alreadyRead, sentTo: [] };
  const readAt = now.toISOString();
  const key = `digest-read|${digest.digestId}|${items.map((i) => i.updateId).sort().join(",")}`;
  const byDomain = new Map<string, ReadDigestItem[]>();
  for (const i of items) byDomain.set(i.publishedBy, [...(byDomain.get(i.publishedBy) ?? []), i]);
  const platform = platformOf(bus.directory);
  const copies: [string, ReadDigestItem[]][] = [...[...byDomain].filter(([to]) => to !== platform && bus.directory.organisation(to)), [platform, items]];
  const actor = input.actor ? { actor: input.actor } : {};
  let traceId: string | undefined;
  let ref: { messageId: string; actor?: ReturnType<typeof actorRefOf> } | undefined;
  for (const [to, own] of copies) {
    const sent = await bus.publish("digest.read", { digestId: digest.digestId, municipality: bus.org, items: own, readAt }, { to, idempotencyKey: key, ...actor });
    traceId ??= traceIdOf(sent.envelope.traceparent);
    ref ??= { messageId: sent.id, actor: actorRefOf(sent.envelope) };
  }
  const state = await orgState(bus);
  await state.digests.mutate(digest.digestId, (cur) => {
    if (!cur) return undefined;
    const had = new Set((cur.reads ?? []).map((r) => r.updateId));
    const added = items.filter((i) => !had.has(i.updateId)).map((i) => ({ updateId: i.updateId, at: readAt, messageId: ref!.messageId, ...(ref!.actor ? { actor: ref!.actor } : {}) }));
    return added.length ? { ...cur, reads: [...(cur.reads ?? []), ...added] } : undefined;
  });
  return { digestId: digest.digestId, confirmed: items.map((i) => i.updateId), alreadyRead, sentTo: copies.map(([to]) => to), readAt, ...(traceId ? { traceId } : {}) };
}
