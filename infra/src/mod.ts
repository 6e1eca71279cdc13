/** @schakel/infra — registry, identities, server configuration and provisioning. */
export { loadRegistry, DEFAULT_REGISTRY_PATH } from "./registry.ts";
export { ensureIdentities, rotateSigningKey, credentialsPath, directoryPath, identitiesDir, publicKeyOfSeed, publicKeyOfCurveSeed, ADMIN_ID } from "./identities.ts";
export type { Identities, OperatorCredentials } from "./identities.ts";
export { organisationPermissions, auditPermissions, bucketGrants, platformBuckets, AUDIT_ID, AUDIT_SLOTS } from "./permissions.ts";
export type { Permissions } from "./permissions.ts";
export { renderServerConfig, renderAuthorization } from "./server-config.ts";
export type { ServerConfigOptions } from "./server-config.ts";
export { provision, streamConfigs, consumerConfigs, bucketNames, DEFAULT_RETENTION } from "./provision.ts";
export type { ProvisionResult, RetentionSettings, Action } from "./provision.ts";
export { startEmbeddedServer, embeddedPaths, EmbeddedServerError, findNatsServerBinary, NatsServerMissingError, clearLeftoverServer, processAlive, commandLineOf, waitForExit, type EmbeddedServer, type EmbeddedServerOptions, type LeftoverOutcome } from "./embedded/mod.ts";
