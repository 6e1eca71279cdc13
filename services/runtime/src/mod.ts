/** @schakel/runtime — running an organisation's service: host, config, logs, telemetry, shutdown. Every public export, by name. */
export { loadOrgConfig, loadDirectory, resolveServers } from "./config.ts";
export type { OrgConfig, ServerSource } from "./config.ts";
export { createLogger, messageLogger, activeTraceFields, messageTraceFields } from "./logger.ts";
export type { Logger, LoggerOptions } from "./logger.ts";
export { connectService } from "./connect.ts";
export type { ServiceConnectOptions } from "./connect.ts";
export type { OrgContext, OrgInstance, ServiceDefinition, FlagSpec, FlagValues } from "./service.ts";
export { ServiceHost, startService } from "./host.ts";
export type { StartServiceOptions } from "./host.ts";
export { consumeWithLogs } from "./consuming.ts";
export type { ConsumeWithLogsOptions } from "./consuming.ts";
export { exitOnSignals } from "./shutdown.ts";
export type { ShutdownOptions } from "./shutdown.ts";
export { runServiceMain, usage } from "./main.ts";
export type { MainOptions } from "./main.ts";
export { startTelemetry, otlpConfigured } from "./telemetry.ts"; export type { TelemetryOptions, ServiceTelemetry } from "./telemetry.ts";
