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
import { createLogger, ServiceHost, type ServiceDefinition } from "@schakel/runtime";

/** The packages whose service definitions `up` starts, in start order (the platform first). */
const LEVEL_PACKAGES = ["@schakel/flemish", "@schakel/federal", "@schakel/local"] as const;

export interface RunningService {
  service: string;
  orgs: string[];
  host: ServiceHost;
}

export interface LevelServices {
  running: RunningService[];
  /** Packages that exported no service definition (reported, not fatal). */
  missing: string[];
  logFile: string;
  stop(): Promise<void>;
}

function isServiceDefinition(value: unknown): value is ServiceDefinition<object> {
  const v = value as Partial<ServiceDefinition<object>> | null;
  return !!v && typeof v === "object" && typeof v.name === "string" && typeof v.start === "function" && typeof v.organisations === "function";
}

/** Every service definition a package exports (found by shape, so a package may export several). */
async function definitionsOf(pkg: string): Promise<ServiceDefinition<object>[]> {
  try {
    return Object.values(await import(pkg)).filter(isServiceDefinition);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String((err as Error).message).includes(pkg.split("/")[1]!)) return [];
    throw err;
  }
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
  const missing: string[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(running.map((r) => r.host.stop()));
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  };
  try {
    const found = await Promise.all(LEVEL_PACKAGES.map(async (pkg) => ({ pkg, defs: await definitionsOf(pkg) })));
    for (const { pkg, defs } of found) if (defs.length === 0) missing.push(pkg);
    await Promise.all(found.flatMap(({ defs }) => defs).map(async (def) => {
      const orgs = def.organisations(opts.directory);
      if (orgs.length === 0) return;
      const host = await ServiceHost.start(def, {
        orgs, dataDir: opts.dataDir, server: opts.url, directory: opts.directory,
        logger: createLogger({ service: def.name, destination: stream }), options: opts.options?.[def.name] ?? {},
      });
      running.push({ service: def.name, orgs: host.orgs, host });
    }));
  } catch (err) {
    await stop();
    throw err;
  }
  return { running, missing, logFile, stop };
}
