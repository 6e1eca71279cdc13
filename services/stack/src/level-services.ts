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
import { CredentialsFile, readCredentials, type KeyDirectory } from "@schakel/contracts/bus";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { credentialsPath, privateAppendStream } from "@schakel/infra";
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
  /** What runs now, per service (it changes with stopDeparted and startArrived). */
  readonly running: RunningService[];
  logFile: string;
  /** Every hosted organisation's readiness (connected, consumers bound, caught up), for the health server. */
  readiness(): ComponentReadiness;
  /**
   * After a registry change on a running bus, before the server restarts: stops (drains) the
   * services of the organisations the directory no longer holds. Resolves with those organisations.
   */
  stopDeparted(): Promise<string[]>;
  /**
   * After the restart: starts the services of the organisations the directory gained, once
   * `provisioned` says their objects exist. Resolves with those organisations.
   */
  startArrived(provisioned: (org: string) => Promise<void>): Promise<string[]>;
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
  const loggers = new Map(LEVEL_SERVICES.map((def) => [def, createLogger({ service: def.name, destination: stream })]));
  /** One host per service and organisation, in the order of LEVEL_SERVICES. */
  const hosts = new Map<string, { def: ServiceDefinition<object>; org: string; host: ServiceHost }>();
  const keyOf = (def: ServiceDefinition<object>, org: string): string => `${def.name}/${org}`;
  const wanted = () => LEVEL_SERVICES.flatMap((def) => def.organisations(opts.directory).map((org) => ({ def, org })));

  // A bounded number of organisations start at a time (bounded-start.ts); after a failure nothing
  // new starts and the starts under way are settled, so the caller can stop every one that did.
  const startAll = async (jobs: { def: ServiceDefinition<object>; org: string }[], provisioned = opts.provisioned, onProgress = opts.onProgress) => {
    const { started, failure } = await startBounded(jobs, async ({ def, org }) => {
      await provisioned?.(org);
      // Read again at every reconnect: after `schakel identities rotate` the service goes on with the new key.
      const path = credentialsPath(opts.dataDir, org);
      const credentials = CredentialsFile.onDemand(path, await readCredentials(path), {
        onChange: () => loggers.get(def)!.info({ org }, "new credentials taken up (key rotated)"),
        onError: (err) => loggers.get(def)!.warn({ org, err: err.message }, "credentials file not taken up"),
      });
      return ServiceHost.start(def, {
        orgs: [org], dataDir: opts.dataDir, server: opts.url, directory: opts.directory,
        logger: loggers.get(def)!, options: opts.options?.[def.name] ?? {}, credentialSources: new Map([[org, credentials]]),
      });
    }, { limit: opts.concurrency ?? START_CONCURRENCY, ...(onProgress ? { onProgress } : {}) });
    for (const { item, value } of started) hosts.set(keyOf(item.def, item.org), { ...item, host: value });
    return { started: started.map((s) => s.item.org), failure };
  };
  const stopHosts = async (keys: string[]): Promise<void> => {
    await Promise.allSettled(keys.map((k) => hosts.get(k)!.host.stop()));
    for (const k of keys) hosts.delete(k);
  };
  const stop = async (): Promise<void> => {
    await stopHosts([...hosts.keys()]);
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  };

  const first = await startAll(wanted());
  if (first.failure) {
    await stop();
    throw first.failure.error;
  }
  return {
    get running(): RunningService[] {
      return LEVEL_SERVICES.flatMap((def) => {
        const mine = [...hosts.values()].filter((h) => h.def === def).map((h) => h.host);
        return mine.length ? [{ service: def.name, orgs: mine.flatMap((h) => h.orgs), hosts: mine }] : [];
      });
    },
    logFile,
    readiness: (): ComponentReadiness => fromOrganisations(Object.assign({}, ...[...hosts.values()].map((h) => h.host.readiness()))),
    async stopDeparted() {
      const keep = new Set(wanted().map((j) => keyOf(j.def, j.org)));
      const gone = [...hosts.keys()].filter((k) => !keep.has(k));
      const orgs = gone.map((k) => hosts.get(k)!.org);
      await stopHosts(gone);
      return orgs;
    },
    async startArrived(provisioned) {
      const { started, failure } = await startAll(wanted().filter((j) => !hosts.has(keyOf(j.def, j.org))), provisioned, undefined);
      if (failure) throw failure.error;
      return started;
    },
    stop,
  };
}
