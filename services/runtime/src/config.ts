/**
 * An organisation's service configuration: who it is, where its credentials and the key
 * directory are (as `ensureIdentities` writes them under the data folder), which server to
 * reach, and the clock-skew tolerance its receivers apply (SCHAKEL_CLOCK_SKEW). Every problem is
 * reported with the file, option or variable to fix.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { SchakelError } from "@schakel/contracts";
import { clockSkewFrom, KeyDirectory, readCredentials, type OrgCredentials } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";

/** Everything one organisation's instance needs to connect. */
export interface OrgConfig {
  org: string;
  dataDir: string;
  servers: string[];
  credentials: OrgCredentials;
  directory: KeyDirectory;
  /** Largest distance between a message's time and its storage time (SCHAKEL_CLOCK_SKEW, default 5 min). */
  skewMs: number;
}

/** Where to look for the bus when no `--server` is given. */
export interface ServerSource {
  /** Explicit URL(s), e.g. from `--server`; comma-separated lists are split. */
  server?: string | string[];
  dataDir: string;
  env?: NodeJS.ProcessEnv;
}

/** `schakel up` writes `<data>/connection.json` with the URL of the bus it started. */
const ConnectionFile = z.object({ url: z.string().min(1) }).loose();

/**
 * The server URLs: the explicit option, else NATS_URL, else the URL `schakel up` wrote into the
 * data folder. Throws a SchakelError saying what to pass when none is found (`not-found`) or the
 * file `schakel up` wrote is unreadable (`schema`): configuration, which trying again does not fix.
 */
export function resolveServers(src: ServerSource): string[] {
  const env = src.env ?? process.env;
  const split = (s: string | string[]): string[] => (Array.isArray(s) ? s : s.split(",")).map((x) => x.trim()).filter(Boolean);
  if (src.server && split(src.server).length) return split(src.server);
  if (env.NATS_URL) return split(env.NATS_URL);
  const file = join(resolve(src.dataDir), "connection.json");
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      raw = undefined;
    }
    const parsed = ConnectionFile.safeParse(raw);
    if (parsed.success) return [parsed.data.url];
    throw new SchakelError("schema", `${file} has no valid "url": restart the bus with "schakel up" or pass --server URL`, { file });
  }
  throw new SchakelError("not-found", `no server to connect to: pass --server URL, set NATS_URL, or start the bus with "schakel up" (it writes ${file})`, { dataDir: src.dataDir });
}

/** Reads the key directory of a data folder; the error says to run `schakel up` first. */
export function loadDirectory(dataDir: string): KeyDirectory {
  const path = directoryPath(resolve(dataDir));
  if (!existsSync(path)) {
    throw new SchakelError("unknown-organisation", `no key directory at ${path}: run "schakel up" (or "schakel identities generate") first, or pass --data DIR`, { path });
  }
  return KeyDirectory.fromFile(path);
}

/**
 * Loads one organisation's configuration from a data folder (its credentials from there unless
 * given). Throws SchakelError when the
 * organisation is unknown (listing the known ones), its credentials are missing or invalid,
 * SCHAKEL_CLOCK_SKEW is not a duration (`schema`, naming it), or no server can be found.
 */
export async function loadOrgConfig(opts: { org: string; dataDir: string; server?: string | string[]; directory?: KeyDirectory; credentials?: OrgCredentials; env?: NodeJS.ProcessEnv }): Promise<OrgConfig> {
  const dataDir = resolve(opts.dataDir);
  // Checked first: a bad tolerance is configuration, reported before anything is read or reached.
  const skewMs = clockSkewFrom(opts.env ?? process.env);
  const directory = opts.directory ?? loadDirectory(dataDir);
  directory.require(opts.org);
  // An organisation deployed on its own is handed its credentials file (`schakel run --creds`).
  const credentials = opts.credentials ?? await readCredentials(credentialsPath(dataDir, opts.org));
  if (credentials.org !== opts.org) {
    const from = opts.credentials ? "the credentials given" : `credentials file ${credentialsPath(dataDir, opts.org)}`;
    throw new SchakelError("unknown-organisation", `${from} belong to "${credentials.org}", not "${opts.org}"`, { org: opts.org });
  }
  const servers = resolveServers({ dataDir, ...(opts.server ? { server: opts.server } : {}), ...(opts.env ? { env: opts.env } : {}) });
  return { org: opts.org, dataDir, servers, credentials, directory, skewMs };
}
