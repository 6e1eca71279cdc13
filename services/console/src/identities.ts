/**
 * Whose credentials the console holds: the platform identity it reads the bus as, and the
 * liaisons a user may post notices as. They come from the data folder `schakel up` writes
 * (`directory.json`, `identities/<org>.creds.json`), or are handed over directly by the caller.
 */
import { existsSync } from "node:fs";
import { catalog, type Directory, SchakelError } from "@schakel/contracts";
import { CredentialsFile, KeyDirectory, readCredentials, type CredentialsSource, type OrgCredentials } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { platformOf } from "@schakel/organisation";

/** What a connection as an organisation starts with, and the followed source it asks again at each reconnect. */
export interface ConnectionCredentials {
  credentials: OrgCredentials;
  credentialsSource?: CredentialsSource;
}

/** Credentials by organisation, read lazily. */
export interface IdentitySource {
  directory: KeyDirectory;
  /** Organisations whose credentials are available. */
  available(): string[];
  credentials(org: string): Promise<OrgCredentials>;
  /**
   * For a connection as `org`: its credentials and, where they are followed (the data folder's file,
   * read again before each connect, or the caller's followed source), that source, so a rotated key
   * is taken up at the reconnect.
   */
  connection(org: string): Promise<ConnectionCredentials>;
}

/** Where the console finds its identities: a data folder, or explicit credentials and directory. */
export interface IdentityOptions {
  dataDir?: string;
  credentials?: Map<string, OrgCredentials> | Record<string, OrgCredentials>;
  /** Followed credentials by organisation (e.g. `schakel run`'s own file): they win over `credentials`. */
  credentialSources?: Map<string, CredentialsSource>;
  directory?: KeyDirectory | Directory;
}

/** Builds the identity source; throws SchakelError saying what to pass or run when nothing is there. */
export function identitySource(opts: IdentityOptions): IdentitySource {
  const directory = opts.directory instanceof KeyDirectory
    ? opts.directory
    : opts.directory
      ? new KeyDirectory(opts.directory)
      : opts.dataDir
        ? KeyDirectory.fromFile(directoryPath(opts.dataDir))
        : undefined;
  if (!directory) {
    throw new SchakelError("unknown-organisation", `the console needs the key directory: pass dataDir (the folder "schakel up" writes) or directory`);
  }
  const followed = opts.credentialSources ?? new Map<string, CredentialsSource>();
  const given = opts.credentials instanceof Map ? opts.credentials : opts.credentials ? new Map(Object.entries(opts.credentials)) : undefined;
  if (given || opts.credentialSources) {
    const held = (org: string): OrgCredentials | undefined => followed.get(org)?.current() ?? given?.get(org);
    const credentials = async (org: string): Promise<OrgCredentials> => {
      const c = held(org);
      if (!c) throw new SchakelError("unknown-organisation", `the console holds no credentials for "${org}"; it has ${[...new Set([...(given?.keys() ?? []), ...followed.keys()])].join(", ")}`, { org });
      return c;
    };
    return {
      directory,
      available: () => directory.organisations.map((o) => o.id).filter((id) => held(id) !== undefined),
      credentials,
      async connection(org) {
        const source = followed.get(org);
        return source ? { credentials: await credentials(org), credentialsSource: source } : { credentials: await credentials(org) };
      },
    };
  }
  const dataDir = opts.dataDir;
  if (!dataDir) throw new SchakelError("unknown-organisation", `the console needs credentials: pass dataDir (the folder "schakel up" writes) or credentials`);
  // The data folder's files are read again before each connect: a key rotated by `schakel identities rotate` is taken up at the reconnect.
  const read = new Map<string, CredentialsSource>();
  /** One source per organisation: asked again, it reads its file again (what a connection's reconnect asks too). */
  const fileOf = async (org: string): Promise<CredentialsSource> => {
    const known = read.get(org);
    if (known) {
      known.refresh();
      return known;
    }
    const path = credentialsPath(dataDir, org);
    const source = CredentialsFile.onDemand(path, await readCredentials(path));
    read.set(org, source);
    return source;
  };
  return {
    directory,
    available: () => directory.organisations.map((o) => o.id).filter((id) => existsSync(credentialsPath(dataDir, id))),
    credentials: async (org) => (await fileOf(org)).current(),
    async connection(org) {
      const source = await fileOf(org);
      return { credentials: source.current(), credentialsSource: source };
    },
  };
}

/** The platform organisation the console reads as: the one asked for, or the first with role platform. */
export function platformOrg(directory: KeyDirectory, asked?: string): string {
  if (!asked) return platformOf(directory);
  const org = directory.require(asked);
  if (!org.roles.includes("platform")) {
    throw new SchakelError("not-allowed", `the console reads the bus as a platform coordinator; "${asked}" has roles ${org.roles.join(", ")}: pass a platform organisation, or none`);
  }
  return org.id;
}

/** Organisations that may post notices (catalog senders of notice.posted) and whose credentials we hold. */
export function noticeSenders(source: IdentitySource): string[] {
  const allowed = new Set(source.available());
  const roles = catalog["notice.posted"].senders;
  return source.directory.organisations.filter((o) => allowed.has(o.id) && roles.some((r) => o.roles.includes(r))).map((o) => o.id);
}
