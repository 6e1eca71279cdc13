/**
 * The digests the platform published, as its coordinators follow them up: one row per published
 * digest, by municipality and newest first within each, with how far the municipality confirmed
 * reading it. The counts come from the platform's own record of `digest.read` (`digestWindows`,
 * ordered by `newestDigestsFirst`); this names the reading state once, for the page and the JSON answer.
 */
import { newestDigestsFirst, readInFull, type DigestWindowView } from "@schakel/platform";

/** How far a municipality read a digest: every item, some of them, or none yet. */
export const DIGEST_READ_STATES = ["read", "partly-read", "not-read"] as const;
export type DigestReadState = (typeof DIGEST_READ_STATES)[number];

/** One digest the platform published to a municipality, and its reading. */
export interface PublishedDigestRow {
  municipality: string;
  digestId: string;
  windowStart: string;
  windowEnd: string;
  publishedAt: string;
  items: number;
  readItems: number;
  lastReadAt: string | null;
  state: DigestReadState;
}

/** The reading state of a published digest: every item confirmed, some of them, or none yet. */
export function digestReadState(p: Pick<DigestWindowView["published"][number], "items" | "readItems">): DigestReadState {
  if (readInFull(p)) return "read";
  return p.readItems > 0 ? "partly-read" : "not-read";
}

/**
 * The platform's published digests by municipality (alphabetical), newest first within each;
 * `unread`: only those not read in full.
 */
export function publishedDigestRows(windows: readonly DigestWindowView[], filter: { unread?: boolean } = {}): PublishedDigestRow[] {
  return newestDigestsFirst(windows)
    .flatMap((w) => w.published.map((p): PublishedDigestRow => ({
      municipality: w.municipality, digestId: p.digestId, windowStart: p.windowStart, windowEnd: p.windowEnd, publishedAt: p.publishedAt,
      items: p.items, readItems: p.readItems, lastReadAt: p.lastReadAt, state: digestReadState(p),
    })))
    .filter((r) => !filter.unread || r.state !== "read");
}
