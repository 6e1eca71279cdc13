/**
 * @schakel/stack — the whole bus on one machine: every level service, the auditor and the console
 * in one process, as `schakel up` runs them. The CLI knows no level service; it calls this.
 * Every public export, by name.
 */
export { startLevelServices, START_CONCURRENCY } from "./level-services.ts";
export type { LevelServices, LevelServicesOptions, RunningService } from "./level-services.ts";
export { startBounded } from "./bounded-start.ts";
export type { BoundedStart, BoundedStartOptions } from "./bounded-start.ts";
export { startStackAuditor } from "./auditor.ts";
export type { RunningAuditor } from "./auditor.ts";
export { startStackIdentityProvider, watchedPersons, consoleRedirectUri, DEFAULT_IDENTITY_PROVIDER_PORT } from "./identity-provider.ts";
export type { StackIdentityProvider } from "./identity-provider.ts";
export { startStackConsole } from "./console.ts";
export type { RunningConsole } from "./console.ts";
export { demoServiceOptions, DEMO_DIGEST_WINDOW_MS } from "./demo-options.ts";
export { servicesFor, startOrganisationServices } from "./organisation-services.ts";
export type { OrganisationServices, OrganisationServicesOptions } from "./organisation-services.ts";
