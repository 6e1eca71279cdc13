/**
 * One organisation deployed on its own (`schakel run --org`): the level service that serves it
 * (a municipality's local service, a Flemish or federal organisation's), on one connection with the
 * credentials it was handed, against a bus run by someone else. It holds no other organisation's
 * keys. Its log lines (ids, never titles or bodies) go to `<data>/logs/<org>.log`, owner-only.
 */
import type { WriteStream } from "node:fs";
import { join } from "node:path";
import { SchakelError } from "@schakel/contracts";
import type { CredentialsSource, KeyDirectory, OrgCredentials } from "@schakel/contracts/bus";
import { privateAppendStream } from "@schakel/infra";
import { createLogger, ServiceHost, type ComponentReadiness, fromOrganisations, type ServiceDefinition } from "@schakel/runtime";
import { LEVEL_SERVICES } from "./level-services.ts";

export interface OrganisationServicesOptions {
  org: string;
  /** The bus's URL(s). */
  servers: string[];
  /** The organisation's credentials (its `<org>.creds.json`). */
  credentials: OrgCredentials;
  /**
   * The organisation's credentials file, followed (CredentialsFile): after a rotation of its key
   * the services reconnect and sign with the new one without a restart. Must be of `org`.
   */
  credentialsSource?: CredentialsSource;
  /** The bus's public key directory (follow its file with `KeyDirectory.watchFile` to take up changes). */
  directory: KeyDirectory;
  /** The organisation's own data folder (logs, processed markers are on the bus). */
  dataDir: string;
  /** Options by service name, e.g. the federal auto-answer policy. */
  options?: Record<string, object>;
}

export interface OrganisationServices {
  org: string;
  /** The names of the services that run for it (e.g. ["local"]). */
  services: string[];
  logFile: string;
  readiness(): ComponentReadiness;
  stop(): Promise<void>;
}

/** The level services that serve `org` in `directory`; throws when none does (e.g. the platform). */
export function servicesFor(org: string, directory: KeyDirectory): ServiceDefinition<object>[] {
  const { level } = directory.require(org);
  const defs = LEVEL_SERVICES.filter((def) => def.organisations(directory).includes(org));
  if (defs.length === 0) {
    throw new SchakelError("not-allowed", `no level service serves "${org}" (level ${level}): the level services are ${LEVEL_SERVICES.map((d) => d.name).join(", ")}; check its level and roles in the registry`, { org });
  }
  return defs;
}

/** Starts the services of one organisation; resolves once every one consumes. */
export async function startOrganisationServices(opts: OrganisationServicesOptions): Promise<OrganisationServices> {
  for (const given of [opts.credentials.org, opts.credentialsSource?.org ?? opts.org]) {
    if (given !== opts.org) throw new SchakelError("unknown-organisation", `the credentials given belong to "${given}", not "${opts.org}": pass the file of ${opts.org}`, { org: opts.org });
  }
  const defs = servicesFor(opts.org, opts.directory);
  const logFile = join(opts.dataDir, "logs", `${opts.org}.log`);
  const stream: WriteStream = privateAppendStream(logFile);
  const hosts: ServiceHost[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  };
  try {
    for (const def of defs) {
      hosts.push(await ServiceHost.start(def, {
        orgs: [opts.org], dataDir: opts.dataDir, server: opts.servers, directory: opts.directory,
        credentials: new Map([[opts.org, opts.credentials]]),
        ...(opts.credentialsSource ? { credentialSources: new Map([[opts.org, opts.credentialsSource]]) } : {}),
        logger: createLogger({ service: def.name, destination: stream }), options: opts.options?.[def.name] ?? {},
      }));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    org: opts.org,
    services: defs.map((d) => d.name),
    logFile,
    readiness: () => fromOrganisations(Object.assign({}, ...hosts.map((h) => h.readiness()))),
    stop,
  };
}
