/**
 * What a level service is to the runtime: a definition that starts one organisation's instance
 * on its own connection, given that organisation's context. The host runs one or several
 * instances per process; `main` turns a definition into a command.
 */
import type { Bus, KeyDirectory, ProcessedStore } from "@schakel/contracts/bus";
import type { OrgConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

/** Everything one organisation's instance works with. */
export interface OrgContext {
  service: string;
  org: string;
  bus: Bus;
  directory: KeyDirectory;
  /** Bound to `service` and `org`. */
  log: Logger;
  /** Ids of the messages this organisation's service processed (in its own bucket `org-<id>`). */
  processed: ProcessedStore;
  config: OrgConfig;
}

/** A running organisation instance. */
export interface OrgInstance {
  /** Graceful: stop consuming and timers, let in-flight work finish. The host drains the connection afterwards. */
  stop(): Promise<void>;
  /** Abrupt (crash simulation): stop timers without waiting; the host has already closed the connection. */
  kill?(): Promise<void>;
}

/** A command-line flag a service adds to the common ones. */
export interface FlagSpec {
  type: "string" | "boolean";
  description: string;
}

export type FlagValues = Record<string, string | boolean | undefined>;

/** A level service: how to start one organisation's instance, and which organisations it serves. */
export interface ServiceDefinition<O extends object = object> {
  /** Short name used in logs and process titles: local, flemish, federal. */
  name: string;
  description: string;
  /** The organisations `--all` runs (e.g. every municipality). */
  organisations(directory: KeyDirectory): string[];
  /** Extra flags shown in --help and passed to {@link optionsFromFlags}. */
  flags?: Record<string, FlagSpec>;
  /** Turns flag values into options; throws SchakelError("schema") for a bad value. */
  optionsFromFlags?(values: FlagValues): Partial<O>;
  /** Starts one organisation; resolves once it consumes. */
  start(ctx: OrgContext, options: Partial<O>): Promise<OrgInstance>;
}
