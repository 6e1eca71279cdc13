/**
 * Which organisations are a municipality's local partners (school contact point, youth service,
 * CAW): those the registry lists with role `local-partner` and `municipality` naming it. The one
 * place this is decided, for routing a digest item and for receiving one.
 */
import type { KeyDirectory } from "@schakel/contracts/bus";

type Directory = Pick<KeyDirectory, "organisations">;

/** The local partners of `municipality`, sorted. */
export function localPartnersOf(directory: Directory, municipality: string): string[] {
  return directory.organisations.filter((o) => o.roles.includes("local-partner") && o.municipality === municipality).map((o) => o.id).sort();
}

/** Why `partner` is not a local partner of `municipality` (a sentence naming both and what to do), or undefined when it is. */
export function localPartnerIssue(directory: Directory, municipality: string, partner: string): string | undefined {
  const org = directory.organisations.find((o) => o.id === partner);
  const partners = localPartnersOf(directory, municipality);
  const known = partners.length ? `its local partners: ${partners.join(", ")}` : `the registry lists no local partner for ${municipality}`;
  if (!org) return `"${partner}" is not an organisation in the registry (${known})`;
  if (!org.roles.includes("local-partner") || org.municipality !== municipality) {
    return `"${partner}" is not a local partner of ${municipality} (a local partner has role "local-partner" and "municipality": "${municipality}" in the registry; ${known})`;
  }
  return undefined;
}
