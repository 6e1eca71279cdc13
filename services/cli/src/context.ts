/**
 * Where the bus is and who we are: every command takes `--data DIR` (default `.schakel/` or
 * SCHAKEL_DATA) and `--server URL` (or NATS_URL). `schakel up` writes the connection details and
 * every organisation's credentials under the data folder; other commands find the bus from it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { orgStateBucket } from "@schakel/contracts";
import { clockSkewFrom, connectBus, KeyDirectory, openBucket, readCredentials, type Bus, type ConnectOptions } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { caseKeyStoreAt, nameNewestGlossary, useCaseKeys } from "@schakel/organisation";
import { NoRunningBusError, seconds, unreachableReason, waitForBus, waitOf } from "./bus-wait.ts";
import { watchConnection } from "./bus-watch.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import { resendUntilAcknowledged } from "./resend-until-acknowledged.ts";

export interface GlobalOptions {
  data?: string;
  server?: string;
  /** How long to wait for the bus (`--wait 30s`, `--wait 0`). */
  wait?: string;
  json?: boolean;
}

/** What `schakel up` writes to `<data>/connection.json` while it runs. */
export const Connection = z.object({
  url: z.string(),
  /** The `schakel up` process. */
  pid: z.number().optional(),
  startedAt: z.string().optional(),
  consoleUrl: z.string().optional(),
  /** The OpenID Provider the console and `schakel login` sign in through. */
  issuer: z.string().optional(),
  /** The persons file the provider signs in from (`up --persons`, SCHAKEL_PERSONS or the demo's). */
  personsFile: z.string().optional(),
  /** The health server of the `schakel up` process (`/healthz`, `/readyz`, `/metrics`). */
  healthUrl: z.string().optional(),
  /** The embedded nats-server (absent when `up` uses an existing server). */
  natsPid: z.number().optional(),
  monitorUrl: z.string().optional(),
});
export type Connection = z.infer<typeof Connection>;

/** The name of the data folder that `schakel up` creates in the current directory by default. */
export const DATA_FOLDER = ".schakel";

/**
 * The nearest `.schakel` folder from `dir` upwards (as git finds `.git`), or undefined when no
 * parent holds one: a command run from a sub-folder of the project finds the bus `up` runs.
 */
export function findDataFolder(dir = process.cwd()): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const candidate = join(at, DATA_FOLDER);
    if (isDirectory(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The data folder: `--data`, SCHAKEL_DATA, the nearest `.schakel` here or above, else `./.schakel`. */
export const dataDirOf = (opts: GlobalOptions): string =>
  resolve(opts.data ?? process.env.SCHAKEL_DATA ?? findDataFolder() ?? DATA_FOLDER);
export const connectionPath = (dataDir: string): string => join(dataDir, "connection.json");

/** The running bus's connection details, or undefined when `up` has not written any. */
export function readConnection(dataDir: string): Connection | undefined {
  const path = connectionPath(dataDir);
  if (!existsSync(path)) return undefined;
  return Connection.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** The server URL: --server, NATS_URL, or what `schakel up` wrote. @throws NoRunningBusError when there is none (yet). */
export function serverUrl(opts: GlobalOptions): string {
  const url = opts.server ?? process.env.NATS_URL ?? connectionUrl(dataDirOf(opts));
  if (!url) throw new NoRunningBusError(dataDirOf(opts));
  return url;
}

/** The URL in connection.json; undefined while there is none or it is half-written (an `up` starting). */
function connectionUrl(dataDir: string): string | undefined {
  try {
    return readConnection(dataDir)?.url;
  } catch {
    return undefined;
  }
}

export function loadDirectory(opts: GlobalOptions): KeyDirectory {
  const path = directoryPath(dataDirOf(opts));
  if (!existsSync(path)) throw new CliError(`no key directory in ${dataDirOf(opts)}: run "npx schakel up" first (or pass --data DIR)`, EXIT.usage);
  return KeyDirectory.fromFile(path);
}

/**
 * The server URL for each connection attempt, asked again every time (a restarted `schakel up`
 * may listen elsewhere); the last known one while `up` is between runs. Before any is known it
 * throws NoRunningBusError, which `waitForBus` waits out like an unreachable server.
 */
export function serverUrlSource(opts: GlobalOptions): () => string {
  let last: string | undefined;
  return () => {
    try {
      return (last = serverUrl(opts));
    } catch (err) {
      if (last) return last;
      throw err;
    }
  };
}

/**
 * Runs `work` with a connection as `org` and always closes it. The connection reconnects by
 * itself when the bus goes away during the command; when it stays away longer than `--wait`, the
 * command ends with exit 3.
 */
export async function withBus<T>(org: string, opts: GlobalOptions, work: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await connectAs(org, opts);
  const watch = watchConnection(bus, bus.url, bus.waitMs);
  try {
    return await work(bus);
  } catch (err) {
    const lost = watch.gaveUp || (watch.interrupted && !(err instanceof CliError) && unreachableReason(err)?.kind === "unreachable");
    if (!lost) throw err;
    const waited = bus.waitMs > 0 ? ` and it did not come back within ${seconds(bus.waitMs)}` : "";
    throw new CliError(`lost the bus at ${bus.url} during the command${watch.gaveUp ? waited : ` (${(err as Error).message})`}: is "npx schakel up" running?`, EXIT.unreachable);
  } finally {
    watch.stop();
    // Draining waits for the server; a connection that is down is just closed.
    if (watch.down || bus.isClosed) await bus.kill();
    else await bus.close();
  }
}

export interface ConnectAsOptions {
  /** Reconnect by itself when the bus goes away (default); false: the connection closes instead. */
  reconnect?: boolean;
  /** When the bus went away (performance.now()), if it was there before: the wait counts from then. */
  since?: number;
  /** Stops waiting for the bus. */
  signal?: AbortSignal;
}

/** A command's bus: the URL it was reached at and the command's `--wait`, for messages about it. */
export type CliBus = Bus & { readonly url: string; readonly waitMs: number };

/**
 * Connects as `org` with its credentials from the data folder and the clock-skew tolerance of
 * SCHAKEL_CLOCK_SKEW, waiting up to `--wait` for a bus that cannot be reached; unknown
 * organisations and a bad SCHAKEL_CLOCK_SKEW exit 2, refused credentials exit 1 (at once), a bus
 * that does not come in time exits 3.
 */
export async function connectAs(org: string, opts: GlobalOptions, how: ConnectAsOptions = {}): Promise<CliBus> {
  const directory = loadDirectory(opts);
  if (!directory.organisation(org)) {
    throw new CliError(`unknown organisation "${org}"; known: ${directory.organisations.map((o) => o.id).join(", ")}`, EXIT.usage);
  }
  const credentials = await readCredentials(credentialsPath(dataDirOf(opts), org));
  const skewMs = clockSkewFrom(process.env);
  const waitMs = waitOf(opts);
  return waitForBus(serverUrlSource(opts), async (url) => {
    // Every publication of the command outlasts a short outage (resend-until-acknowledged.ts).
    let bus: Bus | undefined;
    const resend = resendUntilAcknowledged({ waitMs, connectionClosed: () => bus?.isClosed === true });
    const options: ConnectOptions = { servers: url, credentials, directory, skewMs, reconnect: how.reconnect ?? true, name: `schakel-cli:${org}`, interceptors: { outbound: [resend] } };
    const connected = (bus = await connectBus(options));
    // The organisation's messages name the newest glossary version it holds (read from its bucket).
    // Right after a server (re)start JetStream may take connections before it answers in time: a
    // request to it that times out is waited for like an unreachable bus, not a failed command.
    try {
      await nameNewestGlossary(connected, await openBucket(connected, orgStateBucket(org)));
    } catch (err) {
      await connected.kill();
      throw err;
    }
    // The organisation's case keys live in the data folder, beside its credentials, never on the bus.
    useCaseKeys(connected, caseKeyStoreAt(dataDirOf(opts), org));
    return Object.assign(connected, { url, waitMs });
  }, { waitMs, ...(how.since !== undefined ? { since: how.since } : {}), ...(how.signal ? { signal: how.signal } : {}) });
}
