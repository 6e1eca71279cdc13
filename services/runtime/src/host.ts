/**
 * The service host: runs one or several organisation instances of one service in one process,
 * each on its own connection with its own credentials. `stop()` is the graceful path (stop
 * consuming, finish in-flight work, drain, close); `kill()` abandons everything at once, the way
 * a crash would, for fault tests inside one process.
 */
import { resolve } from "node:path";
import { ORG_PROCESSED_PREFIX, orgStateBucket } from "@schakel/contracts";
import { KvProcessedStore, openBucket, type Bus, type CredentialsSource, type KeyDirectory, type OrgCredentials, type ReachabilityWatch } from "@schakel/contracts/bus";
import { loadDirectory, loadOrgConfig } from "./config.ts";
import { connectService } from "./connect.ts";
import { observeConsumerLag } from "./consumer-lag.ts";
import { organisationReadiness, watchOrganisation } from "./health/organisation-readiness.ts";
import type { Readiness } from "./health/readiness.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { OrgContext, OrgInstance, ServiceDefinition } from "./service.ts";

export interface StartServiceOptions<O extends object> {
  /** Organisations to run; each needs `<data>/identities/<org>.creds.json`. */
  orgs: string[];
  /** The data folder with `identities/` and `directory.json`. */
  dataDir: string;
  /** Server URL(s); default NATS_URL, else what `schakel up` wrote in the data folder. */
  server?: string | string[];
  options?: Partial<O>;
  /** Root logger; default a pino JSON logger on stdout bound to the service name. */
  logger?: Logger;
  /** Shared key directory; default read from the data folder. */
  directory?: KeyDirectory;
  /** Credentials by organisation, for a deployment handed them in a file; default read from the data folder. */
  credentials?: ReadonlyMap<string, OrgCredentials>;
  /**
   * Credentials by organisation that may change while it runs (a file followed after a key
   * rotation, credentials-file.ts): the connection authenticates and signs with what they hold now.
   */
  credentialSources?: ReadonlyMap<string, CredentialsSource>;
}

interface Running {
  ctx: OrgContext;
  instance: OrgInstance;
  /** Removes the organisation's connection and consumer-lag gauges. */
  stopMetrics: () => void;
}

export class ServiceHost {
  #running = new Map<string, Running>();
  /** Each organisation's connection, followed for its readiness. */
  #reachability = new Map<string, ReachabilityWatch>();
  #stopping: Promise<void> | undefined;

  private constructor(readonly service: string, readonly log: Logger) {}

  /**
   * Starts every organisation (in order); if one fails, the ones already started are stopped and
   * the error (naming the organisation) is thrown.
   */
  static async start<O extends object>(def: ServiceDefinition<O>, opts: StartServiceOptions<O>): Promise<ServiceHost> {
    const log = opts.logger ?? createLogger({ service: def.name });
    const host = new ServiceHost(def.name, log);
    const dataDir = resolve(opts.dataDir);
    const directory = opts.directory ?? loadDirectory(dataDir);
    try {
      for (const org of [...new Set(opts.orgs)]) await host.#startOne(def, org, dataDir, directory, opts);
    } catch (err) {
      await host.stop();
      throw err;
    }
    return host;
  }

  async #startOne<O extends object>(def: ServiceDefinition<O>, org: string, dataDir: string, directory: KeyDirectory, opts: StartServiceOptions<O>): Promise<void> {
    const source = opts.credentialSources?.get(org);
    const credentials = source?.current() ?? opts.credentials?.get(org);
    const config = await loadOrgConfig({ org, dataDir, directory, ...(opts.server ? { server: opts.server } : {}), ...(credentials ? { credentials } : {}) });
    const log = this.log.child({ org });
    log.debug({ servers: config.servers }, "connecting to the bus (waits until it is up)");
    const bus = await connectService(config, { service: def.name, log, ...(source ? { credentialsSource: source } : {}) });
    this.#reachability.set(org, watchOrganisation(bus));
    try {
      const processed = new KvProcessedStore(await openBucket(bus, orgStateBucket(org)), ORG_PROCESSED_PREFIX);
      const ctx: OrgContext = { service: def.name, org, bus, directory, log, processed, config };
      const instance = await def.start(ctx, opts.options ?? {});
      this.#running.set(org, { ctx, instance, stopMetrics: observeConsumerLag(bus) });
      log.info({ servers: config.servers }, `${def.name} service started for ${org}`);
    } catch (err) {
      await bus.close();
      throw err;
    }
  }

  /**
   * Each running organisation's readiness: connected to the bus, every consumer bound, its
   * start-up backlog read (health/organisation-readiness.ts). Empty once stopped.
   */
  readiness(): Record<string, Readiness> {
    return Object.fromEntries([...this.#running].map(([org, { ctx }]) => [org, organisationReadiness(ctx.bus, this.#reachability.get(org) ?? { down: false })]));
  }

  /** The organisations this host runs. */
  get orgs(): string[] {
    return [...this.#running.keys()];
  }

  /** The context of one organisation's instance; throws for an organisation this host does not run. */
  context(org: string): OrgContext {
    const r = this.#running.get(org);
    if (!r) throw new Error(`this ${this.service} host does not run "${org}" (it runs ${this.orgs.join(", ") || "nothing"})`);
    return r.ctx;
  }

  /** The connection of one organisation's instance. */
  bus(org: string): Bus {
    return this.context(org).bus;
  }

  /** Graceful shutdown of every instance: stop consuming, finish in-flight work, drain. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.allSettled([...this.#running.entries()].map(async ([org, { ctx, instance, stopMetrics }]) => {
        stopMetrics();
        try {
          await instance.stop();
        } catch (err) {
          ctx.log.error({ err: (err as Error)?.message ?? String(err) }, "stopping failed");
        }
        await ctx.bus.close();
        ctx.log.info(`${this.service} service stopped for ${org}`);
      }));
      this.#running.clear();
    })();
    return this.#stopping;
  }

  /** Abrupt stop, as a crash: connections closed without draining, in-flight work abandoned. */
  async kill(): Promise<void> {
    const all = [...this.#running.values()];
    this.#running.clear();
    this.#stopping ??= Promise.resolve();
    for (const { stopMetrics } of all) stopMetrics();
    await Promise.allSettled(all.map(({ ctx }) => ctx.bus.kill()));
    await Promise.allSettled(all.map(({ instance }) => (instance.kill ? instance.kill() : instance.stop())));
  }
}

/** Starts a service for the given organisations; see {@link ServiceHost.start}. */
export function startService<O extends object>(def: ServiceDefinition<O>, opts: StartServiceOptions<O>): Promise<ServiceHost> {
  return ServiceHost.start(def, opts);
}
