/**
 * nats-server configs for leaf nodes and their hub, generated from the registry. A leaf runs its
 * own JetStream domain (`leafDomain(site)`) so that it keeps accepting its organisations'
 * publications while its link is down; the hub (one node or a cluster) runs domain `hub`.
 */
import { leafDomain, LEAF, type Registry } from "@schakel/contracts";
import type { Identities } from "../identities.ts";
import { publicKeyOfSeed } from "../identities.ts";
import { renderPermissions } from "../server-config.ts";
import { renderAuthorization } from "../server-config.ts";
import { renderLeafListenBlock } from "../cluster/cluster-config.ts";
import type { LinkSecret } from "../cluster/link-secret.ts";
import { renderNodeConfig } from "../cluster/node-config.ts";
import { leafLinkPermissions, leafOrganisationPermissions, linkDeniedSubjects } from "./leaf-permissions.ts";
import { leafLinkUser, siteOrganisations, type LeafSite } from "./leaf-sites.ts";

const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(", ")}]`;

/** The hub's authorization entries for the link users of `sites` (bcrypt hashes only). */
export function renderLeafLinkUsers(registry: Registry, sites: readonly LeafSite[], secrets: ReadonlyMap<string, LinkSecret>): string[] {
  return sites.map((site) => {
    const secret = secrets.get(site.name);
    if (!secret) throw new Error(`no link secret for leaf "${site.name}"`);
    return `    # leaf link ${site.name}: ${site.organisations.join(", ")}\n    { user: ${q(leafLinkUser(site))}, password: ${q(secret.hash)}, permissions: ${renderPermissions(leafLinkPermissions(registry, site))} }`;
  });
}

/** A leaf's `leafnodes { remotes }` block: one remote with every hub node's leaf URL. */
export function renderLeafRemoteBlock(hubLeafUrls: readonly string[], secret: LinkSecret): string {
  const auth = `${encodeURIComponent(secret.user)}:${encodeURIComponent(secret.password)}`;
  const urls = hubLeafUrls.map((u) => {
    const url = new URL(u);
    return `nats-leaf://${auth}@${url.host}`;
  });
  // Deny in both directions on the leaf too: even a hub misconfiguration cannot make the link
  // carry live subjects (which would store a publication twice, or leak a feed to the edge).
  const denied = linkDeniedSubjects();
  return [
    "leafnodes {",
    "  remotes: [",
    `    { urls: ${list(urls)}, deny_exports: ${list(denied)}, deny_imports: ${list(denied)} }`,
    "  ]",
    "}",
  ].join("\n");
}

/** A leaf's own users: the operator (provisions the OUTBOX) and the organisations it hosts. */
export function renderLeafAuthorization(registry: Registry, ids: Identities, site: LeafSite): string {
  const users = [`    # operator: provisions this leaf's OUTBOX\n    { nkey: ${q(publicKeyOfSeed(ids.admin.seed))} }`];
  for (const org of siteOrganisations(registry, site)) {
    const creds = ids.organisations.get(org.id);
    if (!creds) throw new Error(`no credentials for "${org.id}": run identities generation first`);
    users.push(`    # ${org.id}: ${org.name} (${org.level}); JetStream API at domain ${LEAF.hubDomain}\n    { nkey: ${q(publicKeyOfSeed(creds.seed))}, permissions: ${renderPermissions(leafOrganisationPermissions(org))} }`);
  }
  return `authorization {\n  users: [\n${users.join("\n")}\n  ]\n}\n`;
}

export interface LeafNodeOptions {
  host: string;
  port: number;
  storeDir: string;
  /** `nats-leaf://host:port` of every hub node accepting leaf links. */
  hubLeafUrls: string[];
  secret: LinkSecret;
  httpPort?: number;
  portsFileDir?: string;
  syncAlways?: boolean;
  maxPayload?: number;
}

/** The complete config of a leaf node. */
export function renderLeafNodeConfig(registry: Registry, ids: Identities, site: LeafSite, opts: LeafNodeOptions): string {
  return renderNodeConfig(
    {
      serverName: leafDomain(site.name), host: opts.host, port: opts.port, storeDir: opts.storeDir, jetStreamDomain: leafDomain(site.name),
      ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
      ...(opts.portsFileDir ? { portsFileDir: opts.portsFileDir } : {}),
      ...(opts.syncAlways ? { syncAlways: true } : {}),
      ...(opts.maxPayload ? { maxPayload: opts.maxPayload } : {}),
    },
    [renderLeafRemoteBlock(opts.hubLeafUrls, opts.secret), renderLeafAuthorization(registry, ids, site)],
  );
}

export interface HubOptions {
  serverName?: string;
  host: string;
  port: number;
  leafPort: number;
  storeDir: string;
  httpPort?: number;
  portsFileDir?: string;
  syncAlways?: boolean;
  maxPayload?: number;
}

/** The complete config of a single-node hub (a clustered hub: `renderClusterNodeConfig` with these link users). */
export function renderHubConfig(registry: Registry, ids: Identities, sites: readonly LeafSite[], secrets: ReadonlyMap<string, LinkSecret>, opts: HubOptions): string {
  return renderNodeConfig(
    {
      serverName: opts.serverName ?? LEAF.hubDomain, host: opts.host, port: opts.port, storeDir: opts.storeDir, jetStreamDomain: LEAF.hubDomain,
      ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
      ...(opts.portsFileDir ? { portsFileDir: opts.portsFileDir } : {}),
      ...(opts.syncAlways ? { syncAlways: true } : {}),
      ...(opts.maxPayload ? { maxPayload: opts.maxPayload } : {}),
    },
    [renderLeafListenBlock(opts.host, opts.leafPort), renderAuthorization(registry, ids, renderLeafLinkUsers(registry, sites, secrets))],
  );
}
