/**
 * Where the leaf nodes are: a leaf site is one nats-server near a group of organisations (one per
 * level, or one per organisation), linked to the hub. Which organisations a site hosts decides
 * its local users, its OUTBOX subjects and what its link may carry.
 */
import { leafDomain, type Organisation, type Registry } from "@schakel/contracts";

export interface LeafSite {
  /** A level or organisation id; the site's JetStream domain is `leafDomain(name)`. */
  name: string;
  /** Organisations whose services connect to this leaf. */
  organisations: string[];
}

/** One leaf per level (local, flemish, federal, supralocal), hosting every organisation of that level. */
export function leavesPerLevel(registry: Registry): LeafSite[] {
  const byLevel = new Map<string, string[]>();
  for (const org of registry.organisations) byLevel.set(org.level, [...(byLevel.get(org.level) ?? []), org.id]);
  return [...byLevel].map(([name, organisations]) => ({ name, organisations }));
}

/** One leaf per organisation. */
export function leavesPerOrganisation(registry: Registry): LeafSite[] {
  return registry.organisations.map((o) => ({ name: o.id, organisations: [o.id] }));
}

/** The registry entries of the organisations a site hosts. */
export function siteOrganisations(registry: Registry, site: LeafSite): Organisation[] {
  return site.organisations.map((id) => {
    const org = registry.organisations.find((o) => o.id === id);
    if (!org) throw new Error(`leaf "${site.name}" hosts "${id}", which is not in the registry`);
    return org;
  });
}

/**
 * Checks a set of sites: known organisations, each hosted at most once (two leaves holding the
 * same organisation's outbox would both forward its messages), distinct valid names.
 *
 * @throws Error naming the site and organisation.
 */
export function checkLeafSites(registry: Registry, sites: readonly LeafSite[]): void {
  const host = new Map<string, string>();
  const names = new Set<string>();
  for (const site of sites) {
    leafDomain(site.name);
    if (!/^[a-z][a-z0-9-]{1,39}$/.test(site.name)) throw new Error(`leaf name "${site.name}" is invalid: use lower-case letters, digits and '-'`);
    if (names.has(site.name)) throw new Error(`two leaves are named "${site.name}"`);
    names.add(site.name);
    if (site.organisations.length === 0) throw new Error(`leaf "${site.name}" hosts no organisation`);
    for (const org of siteOrganisations(registry, site)) {
      const other = host.get(org.id);
      if (other) throw new Error(`"${org.id}" is hosted by both leaf "${other}" and leaf "${site.name}"`);
      host.set(org.id, site.name);
    }
  }
}

/** The user name a leaf's sourcing link authenticates with at the hub (platform account). */
export function leafLinkUser(site: LeafSite): string {
  return leafDomain(site.name);
}

/** The user name of an organisation's link from its leaf into its own account at the hub. */
export function organisationLinkUser(site: LeafSite, org: string): string {
  return `${leafDomain(site.name)}--${org}`;
}
