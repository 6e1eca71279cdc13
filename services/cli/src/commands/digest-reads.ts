/**
 * `schakel digest list --as <platform>`: the digests the platform published, per municipality,
 * with how many items each municipality confirmed reading and when it last did (the platform's
 * record of `digest.read`, `digestWindows`).
 */
import type { Bus } from "@schakel/contracts/bus";
import { digestWindows, openPlatformStores, type DigestWindowView } from "@schakel/platform";
import { color } from "../output.ts";

/** The platform's digests by municipality, newest first within each. */
export async function publishedDigests(bus: Bus): Promise<DigestWindowView[]> {
  const windows = await digestWindows(await openPlatformStores(bus));
  return windows.map((w) => ({ ...w, published: [...w.published].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)) }));
}

/** One line per published digest: municipality, digest, window, items read. */
export function renderPublished(windows: readonly DigestWindowView[]): string {
  const lines = windows.flatMap((w) => w.published.map((p) => {
    const read = p.readItems === p.items ? color.green(`${p.readItems}/${p.items} read`) : p.readItems ? color.yellow(`${p.readItems}/${p.items} read`) : color.yellow("not read");
    return `${w.municipality.padEnd(14)} ${p.digestId}  ${p.windowStart} – ${p.windowEnd}  ${read}${p.lastReadAt ? ` (last ${p.lastReadAt})` : ""}`;
  }));
  return lines.length ? lines.join("\n") : color.dim("no digests published yet");
}
