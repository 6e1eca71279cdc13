/**
 * Identities: every organisation gets a user nkey (authenticates to NATS and signs envelopes) and
 * a curve nkey (opens case content sealed to it); the platform's operator identities (admin for
 * provisioning, audit for the audit trail) get user nkeys. Seeds are written once, 0600, under
 * `<data>/identities/` and kept across runs; the public directory is regenerated from them.
 */
import { mkdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createCurve, createUser } from "@nats-io/nkeys";
import { curveNkeyOfSeed, OrgCredentials, userNkeyOfSeed } from "@schakel/contracts/bus";
import { ADMIN_ID, AUDIT_ID, OPERATOR_IDS, SchakelError, type Directory, type Registry, type SigningKey } from "@schakel/contracts";
import { writeWhole } from "./write-whole.ts";

const dec = new TextDecoder();

export { ADMIN_ID };

export interface OperatorCredentials {
  id: string;
  seed: string;
}

export interface Identities {
  organisations: Map<string, OrgCredentials>;
  admin: OperatorCredentials;
  audit: OperatorCredentials;
  directory: Directory;
}

export const identitiesDir = (dataDir: string): string => join(dataDir, "identities");
export const credentialsPath = (dataDir: string, id: string): string => join(identitiesDir(dataDir), `${id}.creds.json`);
export const directoryPath = (dataDir: string): string => join(dataDir, "directory.json");

async function writeSecret(path: string, value: unknown): Promise<void> {
  await writeWhole(path, JSON.stringify(value, null, 2) + "\n", 0o600);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  return existsSync(path) ? (JSON.parse(await readFile(path, "utf8")) as T) : undefined;
}

/** Files read or written at once. */
const FILE_BATCH = 16;

/** `work` for every item, `size` at a time; the results in the items' order. */
async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

// Derived with node:crypto: the nkeys library's pure-JS derivation costs ~7 ms a key, seconds at hundreds of organisations.
export const publicKeyOfSeed = (seed: string): string => userNkeyOfSeed(seed);
export const publicKeyOfCurveSeed = (seed: string): string => curveNkeyOfSeed(seed);

async function operator(dataDir: string, id: string): Promise<OperatorCredentials> {
  const path = credentialsPath(dataDir, id);
  const existing = await readJson<OperatorCredentials>(path);
  if (existing) return existing;
  const creds = { id, seed: dec.decode(createUser().getSeed()) };
  await writeSecret(path, creds);
  return creds;
}

/**
 * Ensures every organisation in the registry has credentials (new ones are created, existing
 * ones kept) and writes the public directory, keeping earlier keys (and their revocation times)
 * so that stored messages stay verifiable after a rotation.
 */
export async function ensureIdentities(registry: Registry, dataDir: string, now = new Date(), revoke: ReadonlyMap<string, string> = new Map()): Promise<Identities> {
  const clash = registry.organisations.find((o) => (OPERATOR_IDS as readonly string[]).includes(o.id));
  if (clash) {
    throw new SchakelError("schema", `the registry uses the id "${clash.id}", which is reserved for an operator identity (${OPERATOR_IDS.join(", ")}): rename that organisation`, { org: clash.id });
  }
  await mkdir(identitiesDir(dataDir), { recursive: true, mode: 0o700 });
  const previous = await readJson<Directory>(directoryPath(dataDir));
  const earlierKeys = new Map<string, SigningKey[]>();
  for (const o of previous?.organisations ?? []) if (!earlierKeys.has(o.id)) earlierKeys.set(o.id, o.signingKeys);
  const members = new Set(registry.organisations.map((o) => o.id));
  // One that comes back gets a new key: its old ones stay revoked from the day it left.
  const returning = new Set((previous?.organisations ?? []).filter((o) => o.leftAt && members.has(o.id)).map((o) => o.id));
  // Each organisation's file read, or made, a few at a time: hundreds one after the other took seconds.
  const credentials = await inBatches(registry.organisations, FILE_BATCH, async (org) => {
    const path = credentialsPath(dataDir, org.id);
    let creds = returning.has(org.id) ? undefined : await readJson<OrgCredentials>(path);
    if (!creds) {
      creds = { org: org.id, seed: dec.decode(createUser().getSeed()), curveSeed: dec.decode(createCurve().getSeed()) };
      await writeSecret(path, creds);
    }
    return OrgCredentials.parse(creds);
  });
  const organisations = new Map<string, OrgCredentials>();
  const entries: Directory["organisations"] = [];
  registry.organisations.forEach((org, i) => {
    const creds = credentials[i]!;
    organisations.set(org.id, creds);
    const current = publicKeyOfSeed(creds.seed);
    // An explicit revocation time (a compromise discovered later) wins over "revoked now".
    const earlier: SigningKey[] = (earlierKeys.get(org.id) ?? [])
      .map((k) => (revoke.has(k.key) && !k.revokedAt ? { ...k, revokedAt: revoke.get(k.key)! } : k));
    const signingKeys = earlier.some((k) => k.key === current)
      ? earlier
      : [...earlier.map((k) => (k.revokedAt ? k : { ...k, revokedAt: now.toISOString() })), { key: current, createdAt: now.toISOString() }];
    entries.push({ ...org, signingKeys, sealingKey: publicKeyOfCurveSeed(creds.curveSeed) });
  });
  // One that left the registry stays in the directory with its keys revoked from then on, so what it
  // stored before still verifies (a feed read back, a replay, the audit), and nothing after.
  for (const o of previous?.organisations ?? []) {
    if (members.has(o.id)) continue;
    const leftAt = o.leftAt ?? now.toISOString();
    entries.push({ ...o, leftAt, signingKeys: o.signingKeys.map((k) => (k.revokedAt ? k : { ...k, revokedAt: leftAt })) });
  }
  const directory: Directory = { generatedAt: now.toISOString(), organisations: entries };
  // Written whole: running services follow this file (KeyDirectory.watchFile).
  await writeWhole(directoryPath(dataDir), JSON.stringify(directory, null, 2) + "\n");
  return { organisations, admin: await operator(dataDir, ADMIN_ID), audit: await operator(dataDir, AUDIT_ID), directory };
}

/**
 * The user nkey the broker should accept for `org`: its current key, or undefined when that key is
 * revoked (the organisation is suspended until `rotateSigningKey` issues a new one).
 */
export function activeUserKey(ids: Identities, org: string, now = new Date()): string | undefined {
  const creds = ids.organisations.get(org);
  if (!creds) return undefined;
  const key = publicKeyOfSeed(creds.seed);
  const entry = ids.directory.organisations.find((o) => o.id === org)?.signingKeys.find((k) => k.key === key);
  return entry?.revokedAt && Date.parse(entry.revokedAt) <= now.getTime() ? undefined : key;
}

async function readOrgCredentials(dataDir: string, org: string): Promise<OrgCredentials> {
  const path = credentialsPath(dataDir, org);
  const parsed = OrgCredentials.safeParse(await readJson(path));
  if (!parsed.success) {
    throw new SchakelError("unknown-organisation", `no valid credentials for "${org}" at ${path}: is it in the registry? run "schakel identities generate" first`, { org, path });
  }
  return parsed.data;
}

/**
 * Revokes an organisation's current signing key from `at` (default now; earlier when a compromise
 * is discovered late): messages the broker stored from then on with that key are refused by every
 * receiver. With `replace` (default) a new key is issued at once; without it the organisation is
 * suspended — the broker no longer accepts its key — until `rotateSigningKey`. Regenerate the
 * server config and reload the server afterwards (`schakel identities revoke` does both).
 * @throws SchakelError when `at` lies in the future or the organisation has no credentials.
 */
export async function revokeSigningKey(registry: Registry, dataDir: string, org: string, opts: { at?: Date; replace?: boolean; now?: Date } = {}): Promise<Identities> {
  const now = opts.now ?? new Date();
  const at = opts.at ?? now;
  if (at.getTime() > now.getTime()) throw new SchakelError("schema", `a revocation time must not lie in the future (${at.toISOString()}); revoke now or at the moment of compromise`, { org });
  const creds = await readOrgCredentials(dataDir, org);
  const old = publicKeyOfSeed(creds.seed);
  if (opts.replace ?? true) await writeSecret(credentialsPath(dataDir, org), { ...creds, seed: dec.decode(createUser().getSeed()) });
  return ensureIdentities(registry, dataDir, now, new Map([[old, at.toISOString()]]));
}

/**
 * Rotates an organisation's signing key: a new seed replaces the old one, and the old public key
 * is marked revoked from now on in the directory (messages stored before stay verifiable).
 * Regenerate the server config and reload the server afterwards.
 */
export async function rotateSigningKey(registry: Registry, dataDir: string, org: string, now = new Date()): Promise<Identities> {
  const creds = await readOrgCredentials(dataDir, org);
  await writeSecret(credentialsPath(dataDir, org), { ...creds, seed: dec.decode(createUser().getSeed()) });
  return ensureIdentities(registry, dataDir, now);
}
