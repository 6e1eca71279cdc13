/**
 * The secrets of a leaf deployment's links: per leaf site, its sourcing link (platform account at
 * the hub); per hosted organisation, its own link (the organisation's account at the hub). The hub
 * gets the bcrypt hashes of all of them; a leaf gets the passwords of its own links only.
 */
import { ensureLinkSecret, readLinkSecret, type LinkSecret } from "../cluster/link-secret.ts";
import { leafLinkUser, organisationLinkUser, type LeafSite } from "./leaf-sites.ts";

export interface LeafSecrets {
  /** By site name: the sourcing link. */
  sites: ReadonlyMap<string, LinkSecret>;
  /** By organisation id: the organisation's own link. */
  organisations: ReadonlyMap<string, LinkSecret>;
}

async function leafSecrets(dataDir: string, sites: readonly LeafSite[], secret: (dataDir: string, user: string) => Promise<LinkSecret>): Promise<LeafSecrets> {
  const bySite = new Map<string, LinkSecret>();
  const byOrg = new Map<string, LinkSecret>();
  for (const site of sites) {
    bySite.set(site.name, await secret(dataDir, leafLinkUser(site)));
    for (const org of site.organisations) byOrg.set(org, await secret(dataDir, organisationLinkUser(site, org)));
  }
  return { sites: bySite, organisations: byOrg };
}

/** Returns the link secrets of `sites`, creating the missing ones (kept beside the identities). */
export function ensureLeafSecrets(dataDir: string, sites: readonly LeafSite[]): Promise<LeafSecrets> {
  return leafSecrets(dataDir, sites, ensureLinkSecret);
}

/**
 * The kept link secrets of `sites`, never new ones (a rewritten config must keep the links in use).
 * @throws SchakelError `not-found` naming the first one missing.
 */
export function readLeafSecrets(dataDir: string, sites: readonly LeafSite[]): Promise<LeafSecrets> {
  return leafSecrets(dataDir, sites, readLinkSecret);
}

/** The secret of `key` in `secrets`, or an error that says how to create it. */
export function secretOf(secrets: ReadonlyMap<string, LinkSecret>, key: string, what: string): LinkSecret {
  const secret = secrets.get(key);
  if (!secret) throw new Error(`no link secret for ${what} "${key}": generate the leaf configs again (they create the missing secrets)`);
  return secret;
}
