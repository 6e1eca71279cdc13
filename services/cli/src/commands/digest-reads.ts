/**
 * `schakel digest list --as <platform>`: the digests the platform published, per municipality,
 * with how many items each municipality confirmed reading and when it last did (the platform's
 * record of `digest.read`, `digestWindows`).
 */
import type { Bus } from "@schakel/contracts/bus";
import { digestWindows, newestDigestsFirst, openPlatformStores, readInFull, type DigestWindowView } from "@schakel/platform";
import { color } from "../output.ts";

/** The platform's digests by municipality, newest first within each; `unread`: only those not read in full. */
export async function publishedDigests(bus: Bus, filter: { unread?: boolean } = {}): Promise<DigestWindowView[]> {
  const windows = newestDigestsFirst(await digestWindows(await openPlatformStores(bus)));
  if (!filter.unread) return windows;
  return windows.map((w) => ({ ...w, published: w.published.filter((p) => !readInFull(p)) })).filter((w) => w.published.length);
}

/** One line per published digest: municipality, digest, window, items read. */
export function renderPublished(windows: readonly DigestWindowView[]): string {
  const lines = windows.flatMap((w) => w.published.map((p) => {
    const read = readInFull(p) ? color.green(`${p.readItems}/${p.items} read`) : p.readItems ? color.yellow(`${p.readItems}/${p.items} read`) : color.yellow("not read");
    return `${w.municipality.padEnd(14)} ${p.digestId}  ${p.windowStart} – ${p.windowEnd}  ${read}${p.lastReadAt ? ` (last ${p.lastReadAt})` : ""}`;
  }));
  return lines.length ? lines.join("\n") : color.dim("no digests published yet");
}
