/** @schakel/console — the coordinator console: web dashboard and JSON API. Every public export, by name. */
export { startConsole } from "./start.ts";
export type { ConsoleOptions, RunningConsole } from "./start.ts";
export { createConsoleApp } from "./http/app.ts";
export type { ConsoleApp, ConsoleAppOptions } from "./http/app.ts";
export type { ConsoleContext } from "./http/context.ts";
export { serveReadModel } from "./serve-model.ts";
export type { ServedModel } from "./serve-model.ts";
export { ReadModel } from "./model/read-model.ts";
export type { RefusedMessage, RecordListener } from "./model/read-model.ts";
export type { FlowRecord, LaneLevel } from "./model/record.ts";
export { seedReadModel } from "./model/seed.ts";
export type { SeedOptions } from "./model/seed.ts";
export { BusStatus, watchConnection } from "./ingest/bus-status.ts";
export type { BusState, BusStateListener } from "./ingest/bus-status.ts";
export { startFeedReader } from "./ingest/feed-reader.ts";
export type { FeedReader, FeedReaderOptions } from "./ingest/feed-reader.ts";
export { identitySource } from "./identities.ts";
export type { IdentitySource, IdentityOptions } from "./identities.ts";
