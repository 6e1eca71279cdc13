/**
 * nats-server configs for leaf nodes and their hub, generated from the registry. A leaf runs its
 * own JetStream domain (`leafDomain(site)`) so that it keeps accepting its organisations'
 * publications while its link is down; the hub (one node or a cluster) runs domain `hub`. Each
 * hosted organisation links from its own account at the leaf into its own account at the hub, so
 * the account boundary and the consumer gate stand between it and the hub as they do for a client
 * of the hub; the OUTBOX account's link is for sourcing only.
 */
import { leafDomain, LEAF, type Registry } from "@schakel/contracts";
import { ACCOUNTS_BEGIN, ACCOUNTS_END } from "../accounts.ts";
import type { Identities } from "../identities.ts";
import { activeUserKey, publicKeyOfSeed } from "../identities.ts";
import { renderPermissions } from "../server-config.ts";
import { renderAuthorization } from "../server-config.ts";
import { renderLeafListenBlock } from "../cluster/cluster-config.ts";
import type { LinkSecret } from "../cluster/link-secret.ts";
import { renderNodeConfig } from "../cluster/node-config.ts";
import { siteComment } from "./config-sites.ts";
import { leafLinkPermissions, leafOrganisationPermissions, linkDeniedSubjects, publications } from "./leaf-permissions.ts";
import { secretOf, type LeafSecrets } from "./leaf-secrets.ts";
import { leafLinkUser, siteOrganisations, type LeafSite } from "./leaf-sites.ts";

const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(", ")}]`;

/** The hub's platform-account entries for the sourcing links of `sites` (bcrypt hashes only). */
export function renderLeafLinkUsers(sites: readonly LeafSite[], secrets: LeafSecrets): string[] {
  return sites.map((site) => {
    const secret = secretOf(secrets.sites, site.name, "leaf");
    return `    ${siteComment(site)}\n    { user: ${q(leafLinkUser(site))}, password: ${q(secret.hash)}, permissions: ${renderPermissions(leafLinkPermissions(site))} }`;
  });
}

/** The hub's authorization for `sites`: the accounts block with every leaf link in its account. */
export function renderHubAuthorization(registry: Registry, ids: Identities, sites: readonly LeafSite[], secrets: LeafSecrets): string {
  const hosted = new Map(sites.flatMap((site) => site.organisations.map((org) => [org, secretOf(secrets.organisations, org, "organisation")] as const)));
  return renderAuthorization(registry, ids, renderLeafLinkUsers(sites, secrets), hosted);
}

function remoteUrls(hubLeafUrls: readonly string[], secret: LinkSecret): string[] {
  const auth = `${encodeURIComponent(secret.user)}:${encodeURIComponent(secret.password)}`;
  return hubLeafUrls.map((u) => `nats-leaf://${auth}@${new URL(u).host}`);
}

/**
 * A leaf's `leafnodes { remotes }` block: the sourcing link from the OUTBOX account, and one link
 * per hosted organisation from its account, each with every hub node's leaf URL.
 */
export function renderLeafRemoteBlock(hubLeafUrls: readonly string[], site: LeafSite, secrets: LeafSecrets): string {
  // Deny in both directions on the leaf too: even a hub misconfiguration cannot make a link
  // carry live subjects (which would store a publication twice, or leak a feed to the edge).
  const denied = list(linkDeniedSubjects());
  const remote = (account: string, secret: LinkSecret): string =>
    `    { urls: ${list(remoteUrls(hubLeafUrls, secret))}, account: ${q(account)}, deny_exports: ${denied}, deny_imports: ${denied} }`;
  return [
    "leafnodes {",
    "  remotes: [",
    remote(LEAF.outboxAccount, secretOf(secrets.sites, site.name, "leaf")),
    ...site.organisations.map((org) => remote(org, secretOf(secrets.organisations, org, "organisation"))),
    "  ]",
    "}",
  ].join("\n");
}

/**
 * A leaf's accounts: the OUTBOX account (JetStream, the operator who provisions it) exporting each
 * hosted organisation's publication subjects to that organisation only, and one account per hosted
 * organisation whose user keeps its hub allow list (leaf-permissions.ts) and whose publications
 * the OUTBOX stores. Marked like the hub's block, so `schakel identities` can replace it.
 */
export function renderLeafAuthorization(registry: Registry, ids: Identities, site: LeafSite): string {
  const orgs = siteOrganisations(registry, site);
  const exports = orgs.flatMap((org) => publications(org.id).map((subject) => `      { service: ${q(subject)}, accounts: [${q(org.id)}] }`));
  const outbox = `    ${q(LEAF.outboxAccount)}: {\n      jetstream: enabled\n      users: [\n        # operator: provisions this leaf's OUTBOX\n        { nkey: ${q(publicKeyOfSeed(ids.admin.seed))} }\n      ]\n      exports: [\n${exports.join("\n")}\n      ]\n    }`;
  const accounts = orgs.map((org) => {
    if (!ids.organisations.has(org.id)) throw new Error(`no credentials for "${org.id}": run identities generation first`);
    // A suspended organisation (its key revoked, none issued) has no user at its leaf either.
    const key = activeUserKey(ids, org.id);
    const user = key
      ? `{ nkey: ${q(key)}, permissions: ${renderPermissions(leafOrganisationPermissions(org))} }`
      : `\n        # suspended: its signing key is revoked and no new key was issued (schakel identities rotate ${org.id})\n      `;
    const imports = publications(org.id).map((subject) => `        { service: { account: ${q(LEAF.outboxAccount)}, subject: ${q(subject)} } }`);
    return `    # ${org.id}: ${org.name} (${org.level}); JetStream API at domain ${LEAF.hubDomain}\n    ${q(org.id)}: {\n      users: [ ${user} ]\n      imports: [\n${imports.join("\n")}\n      ]\n    }`;
  });
  return `${ACCOUNTS_BEGIN}\naccounts {\n${[outbox, ...accounts].join("\n")}\n}\n${ACCOUNTS_END}\n`;
}

export interface LeafNodeOptions {
  host: string;
  port: number;
  storeDir: string;
  /** `nats-leaf://host:port` of every hub node accepting leaf links. */
  hubLeafUrls: string[];
  /** The link secrets (the leaf's own are used). */
  secrets: LeafSecrets;
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
    [renderLeafRemoteBlock(opts.hubLeafUrls, site, opts.secrets), renderLeafAuthorization(registry, ids, site)],
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
export function renderHubConfig(registry: Registry, ids: Identities, sites: readonly LeafSite[], secrets: LeafSecrets, opts: HubOptions): string {
  return renderNodeConfig(
    {
      serverName: opts.serverName ?? LEAF.hubDomain, host: opts.host, port: opts.port, storeDir: opts.storeDir, jetStreamDomain: LEAF.hubDomain,
      ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
      ...(opts.portsFileDir ? { portsFileDir: opts.portsFileDir } : {}),
      ...(opts.syncAlways ? { syncAlways: true } : {}),
      ...(opts.maxPayload ? { maxPayload: opts.maxPayload } : {}),
    },
    [renderLeafListenBlock(opts.host, opts.leafPort), renderHubAuthorization(registry, ids, sites, secrets)],
  );
}
