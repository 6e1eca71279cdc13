/**
 * Addressing the municipalities near the sender: `neighbours` stands for the municipalities that
 * border on it, `province:<province>` for the municipalities of a province (the sender left out).
 * Both are expanded here, at the sender, into organisation ids from the key directory, so every
 * copy names one municipality and no receiver needs anything new; whether the sender may reach
 * them is the contract's rule (`nearbyAudienceIssue`), checked when each copy is built and read.
 */
import { PROVINCES, SchakelError } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";

/** The word for the sender's neighbouring municipalities. */
export const NEIGHBOURS_AUDIENCE = "neighbours";
/** The prefix for a province's municipalities: `province:antwerpen`. */
export const PROVINCE_AUDIENCE_PREFIX = "province:";

/**
 * `to` with `neighbours` and `province:<p>` replaced by the municipalities they stand for, other
 * audiences kept, in order, without duplicates. Throws SchakelError `unknown-audience` naming the
 * word when the sender has no neighbours, the province is unknown or holds no other municipality.
 */
export function expandNearbyAudiences(directory: KeyDirectory, sender: string, to: readonly string[]): string[] {
  const out = new Set<string>();
  for (const audience of to) {
    if (audience === NEIGHBOURS_AUDIENCE) {
      const neighbours = directory.organisation(sender)?.neighbours ?? [];
      if (!neighbours.length) {
        throw new SchakelError("unknown-audience", `"${sender}" has no neighbours in the registry, so "${NEIGHBOURS_AUDIENCE}" names no one: name the organisations, or "${PROVINCE_AUDIENCE_PREFIX}<province>"`, { audience, org: sender });
      }
      for (const n of neighbours) out.add(n);
    } else if (audience.startsWith(PROVINCE_AUDIENCE_PREFIX)) {
      const province = audience.slice(PROVINCE_AUDIENCE_PREFIX.length);
      if (!(PROVINCES as readonly string[]).includes(province)) {
        throw new SchakelError("unknown-audience", `unknown province "${province}" in "${audience}": use one of ${PROVINCES.map((p) => PROVINCE_AUDIENCE_PREFIX + p).join(", ")}`, { audience });
      }
      const members = directory.organisations.filter((o) => o.province === province && o.roles.includes("municipality") && o.id !== sender).map((o) => o.id);
      if (!members.length) throw new SchakelError("unknown-audience", `"${audience}" holds no municipality besides "${sender}" in the registry: name the organisations instead`, { audience });
      for (const m of members) out.add(m);
    } else {
      out.add(audience);
    }
  }
  return [...out];
}
