/**
 * The secrets of a leaf deployment's links: per leaf site, its sourcing link (platform account at
 * the hub); per hosted organisation, its own link (the organisation's account at the hub). The hub
 * gets the bcrypt hashes of all of them; a leaf gets the passwords of its own links only.
 */
import { ensureLinkSecret, type LinkSecret } from "../cluster/link-secret.ts";
import { leafLinkUser, organisationLinkUser, type LeafSite } from "./leaf-sites.ts";

export interface LeafSecrets {
  /** By site name: the sourcing link. */
  sites: ReadonlyMap<string, LinkSecret>;
  /** By organisation id: the organisation's own link. */
  organisations: ReadonlyMap<string, LinkSecret>;
}

/** Returns the link secrets of `sites`, creating the missing ones (kept beside the identities). */
export async function ensureLeafSecrets(dataDir: string, sites: readonly LeafSite[]): Promise<LeafSecrets> {
  const bySite = new Map<string, LinkSecret>();
  const byOrg = new Map<string, LinkSecret>();
  for (const site of sites) {
    bySite.set(site.name, await ensureLinkSecret(dataDir, leafLinkUser(site)));
    for (const org of site.organisations) byOrg.set(org, await ensureLinkSecret(dataDir, organisationLinkUser(site, org)));
  }
  return { sites: bySite, organisations: byOrg };
}

/** The secret of `key` in `secrets`, or an error that says how to create it. */
export function secretOf(secrets: ReadonlyMap<string, LinkSecret>, key: string, what: string): LinkSecret {
  const secret = secrets.get(key);
  if (!secret) throw new Error(`no link secret for ${what} "${key}": generate the leaf configs again (they create the missing secrets)`);
  return secret;
}
