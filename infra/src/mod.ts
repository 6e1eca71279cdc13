/** @schakel/infra — registry, identities, server configuration and provisioning. */
export { loadRegistry, DEFAULT_REGISTRY_PATH } from "./registry.ts";
export { ensureIdentities, rotateSigningKey, revokeSigningKey, activeUserKey, credentialsPath, directoryPath, identitiesDir, publicKeyOfSeed, publicKeyOfCurveSeed, ADMIN_ID } from "./identities.ts";
export type { Identities, OperatorCredentials } from "./identities.ts";
export { organisationPermissions, auditPermissions, organisationGrants, auditGrants, durableGrants, readableFilters, permissionsOf, bucketGrants, platformBuckets, AUDIT_ID } from "./permissions.ts";
export type { Permissions, Grant, GrantKind } from "./permissions.ts";
export { renderAccounts, replaceAccounts, renderPermissions, tenantsOf, ACCOUNTS_BEGIN, ACCOUNTS_END } from "./accounts.ts";
export type { Tenant } from "./accounts.ts";
export { startConsumerGate } from "./consumer-gate.ts";
export type { ConsumerGate, ConsumerGateOptions, GateDecision } from "./consumer-gate.ts";
export { checkConsumerRequest } from "./consumer-request.ts";
export type { RequestVerdict, ConsumerRequest } from "./consumer-request.ts";
export { rewriteServerConfig, runningPid, reloadServer } from "./reload.ts";
export { renderServerConfig, renderAuthorization } from "./server-config.ts";
export type { ServerConfigOptions } from "./server-config.ts";
export { provision, streamConfigs, consumerConfigs, bucketNames, DEFAULT_RETENTION } from "./provision.ts";
export type { ProvisionResult, RetentionSettings, Action } from "./provision.ts";
export { startEmbeddedServer, embeddedPaths, EmbeddedServerError, findNatsServerBinary, NatsServerMissingError, clearLeftoverServer, processAlive, commandLineOf, waitForExit, type EmbeddedServer, type EmbeddedServerOptions, type LeftoverOutcome } from "./embedded/mod.ts";
