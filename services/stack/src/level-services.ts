/**
 * The level services the stack runs in one process: every service definition of the local,
 * Flemish and federal packages, each for the organisations it serves, every organisation on its
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
import { localService } from "@schakel/local";
import { createLogger, fromOrganisations, ServiceHost, type ComponentReadiness, type ServiceDefinition } from "@schakel/runtime";

/** The level services `up` runs, each for the organisations it serves. */
const LEVEL_SERVICES = [flemishService, federalService, localService] as ServiceDefinition<object>[];

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

/**
 * Starts every level service for its organisations against `url`. If one fails to start, the
 * ones started are stopped and the error (naming the organisation) is thrown.
 */
export async function startLevelServices(opts: { dataDir: string; url: string; directory: KeyDirectory; options?: Record<string, object> }): Promise<LevelServices> {
  // Owner-only: log lines carry ids (organisations, messages, case references), never titles or bodies.
  const logFile = join(opts.dataDir, "logs", "services.log");
  const stream: WriteStream = privateAppendStream(logFile);
  const running: RunningService[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(running.flatMap((r) => r.hosts.map((h) => h.stop())));
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  };
  // One host per organisation, all started side by side (a host starts its organisations one after
  // the other); every start is settled before a failure is reported, so none is left running.
  const jobs = LEVEL_SERVICES.flatMap((def) => def.organisations(opts.directory).map((org) => ({ def, org })));
  const started = await Promise.allSettled(jobs.map(({ def, org }) => ServiceHost.start(def, {
    orgs: [org], dataDir: opts.dataDir, server: opts.url, directory: opts.directory,
    logger: createLogger({ service: def.name, destination: stream }), options: opts.options?.[def.name] ?? {},
  })));
  for (const def of LEVEL_SERVICES) {
    const hosts = started.flatMap((r, i) => (r.status === "fulfilled" && jobs[i]!.def === def ? [r.value] : []));
    if (hosts.length) running.push({ service: def.name, orgs: hosts.flatMap((h) => h.orgs), hosts });
  }
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const readiness = (): ComponentReadiness => fromOrganisations(Object.assign({}, ...running.flatMap((r) => r.hosts.map((h) => h.readiness()))));
  return { running, logFile, readiness, stop };
}
