/**
 * The process entry point shared by the level services:
 *
 *   tsx services/local/src/main.ts --org mechelen --data .schakel [--server URL]
 *
 * `--org` may repeat or list several ids (`--org mechelen,gent`), `--all` runs every
 * organisation the service serves. Exit codes: 0 after a graceful shutdown or --help, 2 for bad
 * arguments, 1 when start-up fails. Once every instance consumes, a log line "ready" is written,
 * with the URL of the process's health server (`/healthz`, `/readyz`, `/metrics`; `--health-port`).
 * The metrics pipeline and tracing start before anything connects.
 */
import { parseArgs } from "node:util";
import { SchakelError } from "@schakel/contracts";
import { loadDirectory } from "./config.ts";
import { fromOrganisations, notReady } from "./health/readiness.ts";
import { startHealthServer, type HealthServer } from "./health/server.ts";
import { startService, type ServiceHost } from "./host.ts";
import { createLogger } from "./logger.ts";
import type { FlagValues, ServiceDefinition } from "./service.ts";
import { exitOnSignals } from "./shutdown.ts";
import { startMetrics } from "./metrics.ts";
import { startTelemetry } from "./telemetry.ts";

export interface MainOptions {
  argv?: string[];
  /** Where usage and argument errors go (default stderr; --help goes to stdout). */
  write?: { out: (s: string) => void; err: (s: string) => void };
  exit?: (code: number) => void;
}

/** The --help text of a service. */
export function usage(def: ServiceDefinition<object>): string {
  const extra = Object.entries(def.flags ?? {}).map(([name, f]) => `  --${name}${f.type === "string" ? " <value>" : ""}`.padEnd(34) + f.description);
  return [
    `schakel ${def.name} service — ${def.description}`,
    "",
    `Usage: tsx services/${def.name}/src/main.ts (--org <id>[,<id>…] | --all) [options]`,
    "",
    "Options:",
    "  --org <id>                      organisation to run (repeat, or separate with commas)",
    "  --all                           run every organisation this service serves",
    "  --data <dir>                    data folder with identities/ and directory.json (default .schakel, or SCHAKEL_DATA)",
    "  --server <url>                  NATS server URL (default NATS_URL, else what `schakel up` wrote)",
    "  --log-level <level>             fatal, error, warn, info (default), debug, trace, silent",
    "  --health-port <port>            port of the health server on 127.0.0.1 (/healthz, /readyz, /metrics; default 0: a free one)",
    ...extra,
    "  -h, --help                      show this help",
    "",
    "Stops gracefully on SIGINT/SIGTERM (stop consuming, drain, exit 0).",
  ].join("\n") + "\n";
}

/** Runs a service as a process; resolves with the host once ready (undefined after --help or an error). */
export async function runServiceMain<O extends object>(def: ServiceDefinition<O>, opts: MainOptions = {}): Promise<ServiceHost | undefined> {
  const write = opts.write ?? { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };
  const exit = opts.exit ?? ((code: number) => void (process.exitCode = code));
  const flagOptions = Object.fromEntries(Object.entries(def.flags ?? {}).map(([k, f]) => [k, { type: f.type }]));
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: opts.argv ?? process.argv.slice(2),
      options: {
        org: { type: "string", multiple: true }, all: { type: "boolean" }, data: { type: "string" }, server: { type: "string" },
        "log-level": { type: "string" }, "health-port": { type: "string" }, help: { type: "boolean", short: "h" }, ...flagOptions,
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    write.err(`error: ${(err as Error).message}\n\n${usage(def as ServiceDefinition<object>)}`);
    exit(2);
    return undefined;
  }
  if (values.help) {
    write.out(usage(def as ServiceDefinition<object>));
    exit(0);
    return undefined;
  }
  const level = values["log-level"] as string | undefined;
  if (level && !["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(level)) {
    write.err(`error: --log-level "${level}" is not one of fatal, error, warn, info, debug, trace, silent\n`);
    exit(2);
    return undefined;
  }
  const healthPort = values["health-port"] as string | undefined;
  if (healthPort !== undefined && (!/^\d+$/.test(healthPort) || Number(healthPort) > 65_535)) {
    write.err(`error: --health-port "${healthPort}" is not a port number (1–65535, or 0 for a free one)\n`);
    exit(2);
    return undefined;
  }
  const log = createLogger({ service: def.name, ...(level ? { level: level as "info" } : {}) });
  const dataDir = (values.data as string | undefined) ?? process.env.SCHAKEL_DATA ?? ".schakel";
  let orgs: string[];
  let options: Partial<O>;
  try {
    const named = ((values.org as string[] | undefined) ?? []).flatMap((o) => o.split(",")).map((o) => o.trim()).filter(Boolean);
    orgs = values.all ? [...new Set([...named, ...def.organisations(loadDirectory(dataDir))])] : named;
    if (!orgs.length) throw new SchakelError("schema", `name the organisation(s) to run with --org <id>, or use --all`, {});
    options = def.optionsFromFlags?.(values as FlagValues) ?? {};
  } catch (err) {
    write.err(`error: ${(err as Error).message}\n`);
    exit(2);
    return undefined;
  }
  // Before anything connects: the instruments and spans of the first message have somewhere to go.
  const identity = { serviceName: `schakel-${def.name}`, orgs };
  const telemetry = await startTelemetry(identity);
  const metrics = await startMetrics(identity);
  const flush = { shutdown: async () => void (await Promise.all([metrics.shutdown(), telemetry.shutdown()])) };
  let host: ServiceHost | undefined;
  let health: HealthServer | undefined;
  try {
    health = await startHealthServer({
      port: Number(healthPort ?? 0), metrics,
      components: { services: () => (host ? fromOrganisations(host.readiness()) : notReady(`starting ${orgs.join(", ")}`)) },
    });
    host = await startService(def, { orgs, dataDir, options, logger: log, ...(values.server ? { server: values.server as string } : {}) });
  } catch (err) {
    log.fatal({ err: (err as Error)?.message ?? String(err) }, "could not start");
    await health?.stop();
    await flush.shutdown();
    exit(err instanceof SchakelError && ["schema", "unknown-organisation", "unknown-audience"].includes(err.code) ? 2 : 1);
    return undefined;
  }
  const running = host;
  const healthServer = health;
  exitOnSignals({ stop: async () => { await running.stop(); await healthServer.stop(); }, log, telemetry: flush, ...(opts.exit ? { exit: opts.exit } : {}) });
  log.info({ orgs: running.orgs, pid: process.pid, health: `${healthServer.url}/readyz` }, "ready");
  return running;
}
