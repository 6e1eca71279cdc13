/**
 * `schakel run`: one organisation's own deployment. Reads its credentials file and the bus's key
 * directory, starts the metrics pipeline and a health server before anything connects, then the
 * level service that serves the organisation (@schakel/stack), and waits for a stop signal.
 * With `--console`, also the organisation's own console (organisation-console.ts). It follows the
 * directory and credentials files while it runs (followed-files.ts): key changes need no restart.
 * Every problem with the options or the files is exit 2 and names the option or file; a bus that
 * does not accept the credentials, or a start that fails, is exit 1.
 */
import { resolve } from "node:path";
import { SchakelError } from "@schakel/contracts";
import { KeyDirectory, readCredentials, type OrgCredentials } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { notReady, resolveServers, startHealthServer, startMetrics } from "@schakel/runtime";
import { startOrganisationServices } from "@schakel/stack/organisation-services";
import { dataDirOf, type GlobalOptions } from "../context.ts";
import { EXIT, exitCodeFor } from "../exit-codes.ts";
import { color, note } from "../output.ts";
import { parsePort } from "../input/port.ts";
import { STOP_SIGNALS } from "../stop-signals.ts";
import { followDeploymentFiles } from "./followed-files.ts";
import type { OrganisationConsoleOptions } from "./organisation-console.ts";

export interface RunOptions extends GlobalOptions, OrganisationConsoleOptions {
  org: string;
  creds?: string;
  directory?: string;
  healthPort?: string;
  console?: boolean;
}

/** The credentials file, checked to belong to `org`; a malformed file is bad input naming it. */
async function credentialsOf(org: string, path: string): Promise<OrgCredentials> {
  const credentials = await readCredentials(path).catch((err: unknown) => {
    if (err instanceof SchakelError) throw err;
    throw new SchakelError("schema", `--creds ${path} is not a credentials file (${(err as Error).message}): pass the <org>.creds.json that "schakel identities" wrote for ${org}`, { path });
  });
  if (credentials.org !== org) {
    throw new SchakelError("unknown-organisation", `--creds ${path} holds the credentials of "${credentials.org}", not "${org}": pass the file of ${org}`, { path, org });
  }
  return credentials;
}

/** Runs until a signal (exit 0); a start that fails is exit 1 or 2, with one line saying why. */
export async function runOrganisation(opts: RunOptions): Promise<number> {
  const dataDir = dataDirOf(opts);
  // Listening before anything is printed or started: a SIGTERM that follows the first line of
  // output at once must stop the process cleanly, not meet the default action (killed, no exit code).
  // A second signal while it drains exits at once, as `up` does.
  let stopping: (sig: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<NodeJS.Signals>((resolve) => (stopping = resolve));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signals++ > 0) {
      note(color.red(`${sig} again: exiting without waiting`));
      process.exit(EXIT.failure);
    }
    stopping(sig);
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  const stops: (() => Promise<void>)[] = [async () => void STOP_SIGNALS.forEach((sig) => process.removeListener(sig, onSignal))];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const healthPort = parsePort(opts.healthPort, "--health-port");
    const directoryFile = resolve(opts.directory ?? directoryPath(dataDir));
    const directory = KeyDirectory.fromFile(directoryFile);
    if (!directory.organisations.some((o) => o.id === opts.org)) {
      throw new SchakelError("unknown-organisation", `--org "${opts.org}" is not in the key directory; known: ${directory.organisations.map((o) => o.id).join(", ")}`, { org: opts.org });
    }
    const credentialsFile = resolve(opts.creds ?? credentialsPath(dataDir, opts.org));
    const credentials = await credentialsOf(opts.org, credentialsFile);
    const servers = resolveServers({ dataDir, ...(opts.server ? { server: opts.server } : {}) });
    const followed = followDeploymentFiles({ org: opts.org, directory, directoryFile, credentials, credentialsFile });
    stops.push(async () => followed.stop());

    const metrics = await startMetrics({ serviceName: `schakel-run-${opts.org}`, orgs: [opts.org] });
    stops.push(() => metrics.shutdown());
    const health = await startHealthServer({ ...(healthPort !== undefined ? { port: healthPort } : {}), metrics });
    stops.push(() => health.stop());
    health.register("services", () => notReady("starting"));
    if (opts.console) health.register("console", () => notReady("starting"));
    note(color.dim(`${opts.org}: connecting to ${servers.join(", ")} (waits until the bus is up; Ctrl-C to stop)`));

    const started = startOrganisationServices({ org: opts.org, servers, credentials, credentialsSource: followed.credentials, directory, dataDir });
    const first = await Promise.race([started, signalled]);
    if (typeof first === "string") {
      void started.then((s) => s.stop(), () => undefined);
      await stopAll();
      return EXIT.ok;
    }
    const services = first;
    stops.push(() => services.stop());
    health.register("services", () => services.readiness());
    // The console (its HTTP server, its sign-in) is loaded only when asked for: a process without it stays small.
    const console = opts.console ? await (await import("./organisation-console.ts")).startOrganisationConsole({ org: opts.org, credentials: followed.credentials, directory, servers, dataDir }, opts) : undefined;
    if (console) {
      stops.push(() => console.stop());
      health.register("console", () => console.readiness());
    }
    const summary = {
      org: opts.org, services: services.services, servers, healthUrl: health.url, logFile: services.logFile,
      ...(console ? { consoleUrl: console.url, issuer: console.issuer } : {}),
    };
    if (opts.json) process.stdout.write(JSON.stringify(summary) + "\n");
    else {
      process.stdout.write(`${color.green("ready")}: ${opts.org} runs ${services.services.join(", ")} against ${servers.join(", ")}\n`);
      if (console) process.stdout.write(`  console ${console.url} · sign in through ${console.issuer}${console.development ? " (the development provider, with the persons of " + opts.org + ")" : ""}\n`);
      process.stdout.write(`  health ${health.url}/readyz · log ${services.logFile}\n`);
    }
    await signalled;
    note(color.dim(`${opts.org}: stopping (drain, then exit)`));
    await stopAll();
    return EXIT.ok;
  } catch (err) {
    await stopAll();
    const error = err instanceof SchakelError ? err : undefined;
    note(color.red(`schakel run: ${(err as Error).message}`));
    return error ? exitCodeFor(error) : EXIT.failure;
  }
}
