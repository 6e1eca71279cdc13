/**
 * The digest bundler: instead of one stream of information per policy domain, each municipality
 * gets ONE digest per window with every update addressed to it. A window opens with the first
 * update for a municipality (at the broker's storage time of that update) and lasts
 * `windowMs`; updates are assigned to windows by storage time, so the result does not depend on
 * when the platform happened to process them. Closing a window and publishing its digest use
 * the same intent pattern as escalations (pending → published, derived ids).
 */
import type { Delivery } from "@schakel/contracts/bus";
import type { DigestItem } from "@schakel/contracts";
import { municipalitiesOf } from "@schakel/organisation";
import type { CatchUp } from "./catch-up.ts";
import type { PlatformContext } from "./context.ts";
import { DueWatch } from "./due-watch.ts";
import type { DigestState, DigestWindow } from "./records.ts";

/** A window is closed early when it reaches this many items or bytes, so a digest fits in one message. */
export const DIGEST_LIMITS = { items: 500, bytes: 256 * 1024, remembered: 5_000, history: 50 } as const;

const emptyState = (municipality: string): DigestState => ({ municipality, pending: [], bundled: [], published: [] });
const has = (w: DigestWindow | undefined, updateId: string): boolean => Boolean(w?.items.some((i) => i.updateId === updateId));

/** Moves the open window to `pending` under its derived digest id. */
export function closeWindow(s: DigestState, digestIdOf: (windowStart: string) => string): DigestState {
  if (!s.open) return s;
  const { open, ...rest } = s;
  return {
    ...rest,
    pending: [...s.pending, { ...open, digestId: digestIdOf(open.windowStart) }],
    bundled: [...s.bundled, ...open.items.map((i) => i.updateId)].slice(-DIGEST_LIMITS.remembered),
  };
}

/** Adds an update stored at `t` to a municipality's state; undefined when it is already there. */
export function addToWindow(s: DigestState, item: DigestItem, t: number, windowMs: number, digestIdOf: (windowStart: string) => string): DigestState | undefined {
  if (s.bundled.includes(item.updateId) || has(s.open, item.updateId) || s.pending.some((w) => has(w, item.updateId))) return undefined;
  let next = s;
  const full = (w: DigestWindow) => w.items.length >= DIGEST_LIMITS.items || JSON.stringify(w).length + JSON.stringify(item).length > DIGEST_LIMITS.bytes;
  if (next.open && (t >= Date.parse(next.open.windowEnd) || full(next.open))) next = closeWindow(next, digestIdOf);
  const open = next.open ?? { windowStart: new Date(t).toISOString(), windowEnd: new Date(t + windowMs).toISOString(), items: [] };
  return { ...next, open: { ...open, items: [...open.items, item] } };
}

const digestIdFor = (p: PlatformContext, municipality: string) => (windowStart: string): string => p.bus.identity.derivedId(`digest|${municipality}|${windowStart}`);

/** Collects an update addressed to the platform into the window of every municipality it concerns. */
export async function collectPolicyUpdate(p: PlatformContext, d: Delivery<"policy.update.published">, windowMs: number): Promise<string[]> {
  const { data, envelope } = d;
  if (envelope.audience !== p.org) return [];
  const item: DigestItem = {
    updateId: data.updateId, domain: data.domain, publishedBy: envelope.sender, title: data.title, summary: data.summary,
    ...(data.link ? { link: data.link } : {}),
    ...(data.effectiveFrom ? { effectiveFrom: data.effectiveFrom } : {}), ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}),
  };
  const municipalities = municipalitiesOf(p.directory, data.concerns.filter((a) => p.directory.isAudience(a)));
  for (const m of municipalities) {
    await p.stores.digests.mutate(m, (cur) => addToWindow(cur ?? emptyState(m), item, d.storedAt.getTime(), windowMs, digestIdFor(p, m)));
    p.emit({ kind: "digest-item", municipality: m, updateId: data.updateId });
  }
  return municipalities;
}

/** When a municipality's digest needs the flusher: at once with a pending digest, else at the window's end. */
export function digestDueAt(s: DigestState): number | undefined {
  if (s.pending.length) return 0;
  return s.open ? Date.parse(s.open.windowEnd) : undefined;
}

/** Moves a pending digest to the published ones (the last `DIGEST_LIMITS.history` are kept); a digest not pending is left as it is. */
async function markPublished(p: PlatformContext, municipality: string, published: DigestState["published"][number]): Promise<void> {
  await p.stores.digests.mutate(municipality, (cur) => cur && cur.pending.some((x) => x.digestId === published.digestId)
    ? { ...cur, pending: cur.pending.filter((x) => x.digestId !== published.digestId), published: [...cur.published, published].slice(-DIGEST_LIMITS.history) }
    : undefined);
}

/** Closes a window that has ended and publishes every pending digest of one municipality. */
export async function flushDigest(p: PlatformContext, catchUp: CatchUp, municipality: string, now: number, retryMs: number): Promise<number | undefined> {
  let stored = await p.stores.digests.get(municipality);
  if (!stored) return undefined;
  const open = stored.value.open;
  if (!stored.value.pending.length && open) {
    const end = Date.parse(open.windowEnd);
    if (end > now) return end;
    // Close only once every update stored before the window's end has been read.
    if (!(await catchUp.reached(end))) return now + retryMs;
    stored = await p.stores.digests.mutate(municipality, (cur) => (cur?.open && Date.parse(cur.open.windowEnd) <= now ? closeWindow(cur, digestIdFor(p, municipality)) : undefined));
    if (!stored) return undefined;
  }
  if (stored.value.pending.some((w) => Date.parse(w.windowEnd) < catchUp.startedAt)) {
    // Closed by a predecessor: first read back the digests it managed to publish (noteOwnDigest).
    if (!(await catchUp.reached(catchUp.startedAt))) return now + retryMs;
    stored = await p.stores.digests.get(municipality);
    if (!stored) return undefined;
  }
  for (const w of stored.value.pending) {
    p.emit({ kind: "digest-closed", municipality, digestId: w.digestId, items: w.items.length });
    const sent = await p.bus.publish("digest.published", {
      digestId: w.digestId, municipality, windowStart: w.windowStart, windowEnd: w.windowEnd, items: w.items,
    }, { to: municipality, idempotencyKey: `digest|${w.digestId}` });
    await markPublished(p, municipality, { digestId: w.digestId, windowStart: w.windowStart, windowEnd: w.windowEnd, items: w.items.length, publishedAt: new Date().toISOString(), messageId: sent.id });
    p.log.info({ municipality, digestId: w.digestId, items: w.items.length }, "digest published");
    p.emit({ kind: "digest-published", municipality, digestId: w.digestId, items: w.items.length, messageId: sent.id, duplicate: sent.duplicate });
  }
  const after = await p.stores.digests.get(municipality);
  return after ? digestDueAt(after.value) : undefined;
}

/** The platform reads its own digests back from the stream: a digest read is published for certain. */
export async function noteOwnDigest(p: PlatformContext, d: Delivery<"digest.published">): Promise<void> {
  if (d.envelope.sender !== p.org) return;
  const { digestId, municipality, windowStart, windowEnd, items } = d.data;
  await markPublished(p, municipality, { digestId, windowStart, windowEnd, items: items.length, publishedAt: d.storedAt.toISOString(), messageId: d.envelope.id });
}

/** The digest flusher over the digests bucket. */
export function digestWatcher(p: PlatformContext, catchUp: CatchUp, tickMs: number): DueWatch<typeof DigestState> {
  return new DueWatch(p, {
    name: "digests",
    records: p.stores.digests,
    dueAt: digestDueAt,
    act: (m, now) => flushDigest(p, catchUp, m, now, tickMs),
    tickMs,
  });
}
