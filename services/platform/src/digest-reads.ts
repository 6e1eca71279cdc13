/**
 * What the municipalities confirmed reading of their digests. A municipality sends the platform
 * one `digest.read` with every item it confirmed (its copies to the policy domains carry only
 * theirs); the platform keeps it on the published digest it names, once per message, so the
 * coordinators see which digests were read, how far and when.
 */
import type { Delivery } from "@schakel/contracts/bus";
import type { PlatformContext } from "./context.ts";

/** Records a municipality's own `digest.read` to the platform; others' copies and claims for another municipality are ignored. */
export async function recordDigestRead(p: PlatformContext, d: Delivery<"digest.read">): Promise<void> {
  const { envelope, data } = d;
  if (envelope.audience !== p.org || envelope.sender !== data.municipality) return;
  let known = false;
  await p.stores.digests.mutate(data.municipality, (cur) => {
    const digest = cur?.published.find((x) => x.digestId === data.digestId);
    known = digest !== undefined;
    if (!cur || !digest || digest.reads?.some((r) => r.messageId === envelope.id)) return undefined;
    const read = { messageId: envelope.id, readAt: data.readAt, items: data.items.map((i) => i.updateId) };
    return { ...cur, published: cur.published.map((x) => (x === digest ? { ...x, reads: [...(x.reads ?? []), read] } : x)) };
  });
  if (!known) p.log.warn({ digestId: data.digestId, municipality: data.municipality }, "a digest read names a digest the platform has no record of");
}
