/**
 * Where the bus is and who we are: every command takes `--data DIR` (default `.schakel/` or
 * SCHAKEL_DATA) and `--server URL` (or NATS_URL). `schakel up` writes the connection details and
 * every organisation's credentials under the data folder; other commands find the bus from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { connectBus, KeyDirectory, readCredentials, type Bus } from "@schakel/contracts/bus";
import { SchakelError } from "@schakel/contracts";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { CliError, EXIT } from "./exit-codes.ts";

export interface GlobalOptions {
  data?: string;
  server?: string;
  json?: boolean;
}

/** What `schakel up` writes to `<data>/connection.json` while it runs. */
export const Connection = z.object({
  url: z.string(),
  /** The `schakel up` process. */
  pid: z.number().optional(),
  startedAt: z.string().optional(),
  consoleUrl: z.string().optional(),
  /** The embedded nats-server (absent when `up` uses an existing server). */
  natsPid: z.number().optional(),
  monitorUrl: z.string().optional(),
});
export type Connection = z.infer<typeof Connection>;

export const dataDirOf = (opts: GlobalOptions): string => resolve(opts.data ?? process.env.SCHAKEL_DATA ?? ".schakel");
export const connectionPath = (dataDir: string): string => join(dataDir, "connection.json");

/** The running bus's connection details, or undefined when `up` has not written any. */
export function readConnection(dataDir: string): Connection | undefined {
  const path = connectionPath(dataDir);
  if (!existsSync(path)) return undefined;
  return Connection.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** The server URL: --server, NATS_URL, or what `schakel up` wrote. */
export function serverUrl(opts: GlobalOptions): string {
  const url = opts.server ?? process.env.NATS_URL ?? readConnection(dataDirOf(opts))?.url;
  if (!url) {
    throw new CliError(`no running bus found in ${dataDirOf(opts)}: start one with "schakel up", or pass --server URL`, EXIT.unreachable);
  }
  return url;
}

export function loadDirectory(opts: GlobalOptions): KeyDirectory {
  const path = directoryPath(dataDirOf(opts));
  if (!existsSync(path)) throw new CliError(`no key directory in ${dataDirOf(opts)}: run "schakel up" first (or pass --data DIR)`, EXIT.usage);
  return KeyDirectory.fromFile(path);
}

/** The platform organisation of the directory (the one with role "platform"), e.g. vpr. */
export function platformOrg(directory: KeyDirectory): string {
  const platform = directory.organisations.find((o) => o.roles.includes("platform"));
  if (!platform) throw new CliError("the registry has no organisation with the role platform", EXIT.failure);
  return platform.id;
}

/** Runs `work` with a connection as `org` and always closes it. */
export async function withBus<T>(org: string, opts: GlobalOptions, work: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await connectAs(org, opts);
  try {
    return await work(bus);
  } finally {
    await bus.close();
  }
}

/** Connects as `org` with its credentials from the data folder; unknown organisations exit 2. */
export async function connectAs(org: string, opts: GlobalOptions): Promise<Bus> {
  const directory = loadDirectory(opts);
  if (!directory.organisation(org)) {
    throw new CliError(`unknown organisation "${org}"; known: ${directory.organisations.map((o) => o.id).join(", ")}`, EXIT.usage);
  }
  const credentials = await readCredentials(credentialsPath(dataDirOf(opts), org));
  const url = serverUrl(opts);
  try {
    return await connectBus({ servers: url, credentials, directory, reconnect: false, name: `schakel-cli:${org}` });
  } catch (err) {
    if (err instanceof SchakelError && err.code === "unreachable") throw new CliError(err.message, EXIT.unreachable);
    throw err;
  }
}
