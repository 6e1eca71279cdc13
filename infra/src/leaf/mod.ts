/** Leaf nodes: one per level or organisation, linked to the hub, configured from the registry. */
export { leavesPerLevel, leavesPerOrganisation, siteOrganisations, checkLeafSites, leafLinkUser, organisationLinkUser } from "./leaf-sites.ts";
export { ensureLeafSecrets, readLeafSecrets } from "./leaf-secrets.ts";
export { configKindOf, hubSitesOf, leafSiteOf, type ConfigKind } from "./config-sites.ts";
export type { LeafSecrets } from "./leaf-secrets.ts";
export type { LeafSite } from "./leaf-sites.ts";
export { atHubDomain, leafOrganisationPermissions, leafLinkPermissions, linkDeniedSubjects, organisationLinkPermissions } from "./leaf-permissions.ts";
export { renderLeafLinkUsers, renderHubAuthorization, renderLeafRemoteBlock, renderLeafAuthorization, renderLeafNodeConfig, renderHubConfig } from "./leaf-config.ts";
export type { LeafNodeOptions, HubOptions } from "./leaf-config.ts";
export { outboxConfig, provisionLeafOutbox, outboxSource, provisionHubSources, DEFAULT_OUTBOX_DAYS } from "./leaf-provision.ts";
export { moveOutboxToItsAccount, outboxFolder, type OutboxMove } from "./leaf-store-upgrade.ts";
export { observeLeafLinks, countLeafLinks, LEAFZ_SAMPLE_MS } from "./link-metrics.ts";
export type { LeafLinkWatchOptions } from "./link-metrics.ts";
