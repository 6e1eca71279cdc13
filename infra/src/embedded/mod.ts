/** The embedded nats-server that `schakel up` runs: every public export, by name. */
export { startEmbeddedServer, embeddedPaths, EmbeddedServerError, startTimeoutFor } from "./embedded-server.ts";
export type { EmbeddedServer, EmbeddedServerOptions } from "./embedded-server.ts";
export { findNatsServerBinary, NatsServerMissingError, findOnPath, ensureSystemTool, missingTools, SystemToolMissingError, SYSTEM_TOOLS } from "./binary.ts";
export type { SystemTool, EnsureOptions } from "./binary.ts";
export { clearLeftoverServer, processAlive, commandLineOf, waitForExit } from "./leftover.ts";
export type { LeftoverOutcome } from "./leftover.ts";
