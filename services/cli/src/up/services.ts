/**
 * The level services `schakel up` runs in its own process: every service definition of the local,
 * Flemish and federal packages, each for the organisations it serves, every organisation on its
 * own connection with its own credentials (the same isolation as separate processes, at a
 * fraction of the memory and start-up time). Their logs go to `<data>/logs/services.log` so the
 * terminal shows the summary, not the chatter.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { localService } from "@schakel/local";
import { createLogger, ServiceHost, type ServiceDefinition } from "@schakel/runtime";

/** The level services `up` runs, each for the organisations it serves. */
const LEVEL_SERVICES = [flemishService, federalService, localService] as ServiceDefinition<object>[];

export interface RunningService {
  service: string;
  orgs: string[];
  host: ServiceHost;
}

export interface LevelServices {
  running: RunningService[];
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts every level service for its organisations against `url`. If one fails to start, the
 * ones started are stopped and the error (naming the organisation) is thrown.
 */
export async function startLevelServices(opts: { dataDir: string; url: string; directory: KeyDirectory; options?: Record<string, object> }): Promise<LevelServices> {
  const logDir = join(opts.dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, "services.log");
  const stream: WriteStream = createWriteStream(logFile, { flags: "a" });
  const running: RunningService[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(running.map((r) => r.host.stop()));
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  };
  // Started side by side; all of them are settled before a failure is reported, so none is left running.
  const started = await Promise.allSettled(LEVEL_SERVICES.filter((def) => def.organisations(opts.directory).length).map(async (def) => {
    const host = await ServiceHost.start(def, {
      orgs: def.organisations(opts.directory), dataDir: opts.dataDir, server: opts.url, directory: opts.directory,
      logger: createLogger({ service: def.name, destination: stream }), options: opts.options?.[def.name] ?? {},
    });
    return { service: def.name, orgs: host.orgs, host };
  }));
  for (const r of started) if (r.status === "fulfilled") running.push(r.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { running, logFile, stop };
}
