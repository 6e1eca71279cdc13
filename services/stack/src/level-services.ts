/**
 * The level services the stack runs in one process: every service definition of the local,
 * Flemish and federal packages (the local package also serves police zones, local partners and
 * the supralocal associations), each for the organisations it serves, every organisation on its
 * own connection with its own credentials (the same isolation as separate processes, at a
 * fraction of the memory and start-up time). Their logs go to `<data>/logs/services.log` so the
 * terminal shows the summary, not the chatter.
 */
import type { WriteStream } from "node:fs";
import { join } from "node:path";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { privateAppendStream } from "@schakel/infra";
import { localPartnerService, localService, supralocalService } from "@schakel/local";
import { createLogger, fromOrganisations, ServiceHost, type ComponentReadiness, type ServiceDefinition } from "@schakel/runtime";
import { startBounded } from "./bounded-start.ts";

/** The level services `up` runs, each for the organisations it serves: together, every organisation of the registry. */
export const LEVEL_SERVICES = [flemishService, federalService, localService, localPartnerService, supralocalService] as ServiceDefinition<object>[];

export interface RunningService {
  service: string;
  orgs: string[];
  hosts: ServiceHost[];
}

export interface LevelServices {
  running: RunningService[];
  logFile: string;
  /** Every hosted organisation's readiness (connected, consumers bound, caught up), for the health server. */
  readiness(): ComponentReadiness;
  stop(): Promise<void>;
}

export interface LevelServicesOptions {
  dataDir: string;
  url: string;
  directory: KeyDirectory;
  options?: Record<string, object>;
  /** Organisations connecting and binding their consumers at the same time (default {@link START_CONCURRENCY}). */
  concurrency?: number;
  /** Told after each organisation started: how many of all have. */
  onProgress?: (started: number, total: number) => void;
  /**
   * Resolves once the organisation's consumers and bucket exist (`schakel up` provisions while the
   * services start); a rejection fails the start like any other. Default: already provisioned.
   */
  provisioned?: (org: string) => Promise<void>;
}

/**
 * Organisations started at once by default: enough to keep start-up short, few enough that
 * nats-server authenticates every connection within its 2 s window at hundreds of organisations.
 */
export const START_CONCURRENCY = 24;

/**
 * Starts every level service for its organisations against `url`, at most `concurrency`
 * organisations at a time. If one fails to start, no other starts, the ones started are stopped
 * and the error (naming the organisation) is thrown.
 */
export async function startLevelServices(opts: LevelServicesOptions): Promise<LevelServices> {
  // Owner-only: log lines carry ids (organisations, messages, case references), never titles or bodies.
  const logFile = join(opts.dataDir, "logs", "services.log");
  const stream: WriteStream = privateAppendStream(logFile);
  const running: RunningService[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(running.flatMap((r) => r.hosts.map((h) => h.stop())));
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  };
  // One host per organisation, a bounded number starting at a time (bounded-start.ts); after a
  // failure nothing new starts and the starts under way are settled, so none is left running.
  const jobs = LEVEL_SERVICES.flatMap((def) => def.organisations(opts.directory).map((org) => ({ def, org })));
  const loggers = new Map(LEVEL_SERVICES.map((def) => [def, createLogger({ service: def.name, destination: stream })]));
  const { started, failure } = await startBounded(jobs, async ({ def, org }) => {
    await opts.provisioned?.(org);
    return ServiceHost.start(def, {
      orgs: [org], dataDir: opts.dataDir, server: opts.url, directory: opts.directory,
      logger: loggers.get(def)!, options: opts.options?.[def.name] ?? {},
    });
  }, { limit: opts.concurrency ?? START_CONCURRENCY, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  for (const def of LEVEL_SERVICES) {
    const hosts = started.flatMap((s) => (s.item.def === def ? [s.value] : []));
    if (hosts.length) running.push({ service: def.name, orgs: hosts.flatMap((h) => h.orgs), hosts });
  }
  if (failure) {
    await stop();
    throw failure.error;
  }
  const readiness = (): ComponentReadiness => fromOrganisations(Object.assign({}, ...running.flatMap((r) => r.hosts.map((h) => h.readiness()))));
  return { running, logFile, readiness, stop };
}
