/**
 * Identities: every organisation gets a user nkey (authenticates to NATS and signs envelopes) and
 * a curve nkey (opens case content sealed to it); the platform's operator identities (admin for
 * provisioning, audit for the audit trail) get user nkeys. Seeds are written once, 0600, under
 * `<data>/identities/` and kept across runs; the public directory is regenerated from them.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createCurve, createUser, fromCurveSeed, fromSeed } from "@nats-io/nkeys";
import { OrgCredentials } from "@schakel/contracts/bus";
import type { Directory, Registry, SigningKey } from "@schakel/contracts";
import { AUDIT_ID } from "./permissions.ts";

const dec = new TextDecoder();
const enc = new TextEncoder();

export const ADMIN_ID = "admin";

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
  await writeFile(path, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  await chmod(path, 0o600);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  return existsSync(path) ? (JSON.parse(await readFile(path, "utf8")) as T) : undefined;
}

export const publicKeyOfSeed = (seed: string): string => fromSeed(enc.encode(seed)).getPublicKey();
export const publicKeyOfCurveSeed = (seed: string): string => fromCurveSeed(enc.encode(seed)).getPublicKey();

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
export async function ensureIdentities(registry: Registry, dataDir: string, now = new Date()): Promise<Identities> {
  await mkdir(identitiesDir(dataDir), { recursive: true, mode: 0o700 });
  const previous = await readJson<Directory>(directoryPath(dataDir));
  const organisations = new Map<string, OrgCredentials>();
  const entries: Directory["organisations"] = [];
  for (const org of registry.organisations) {
    const path = credentialsPath(dataDir, org.id);
    let creds = await readJson<OrgCredentials>(path);
    if (!creds) {
      creds = { org: org.id, seed: dec.decode(createUser().getSeed()), curveSeed: dec.decode(createCurve().getSeed()) };
      await writeSecret(path, creds);
    }
    creds = OrgCredentials.parse(creds);
    organisations.set(org.id, creds);
    const current = publicKeyOfSeed(creds.seed);
    const earlier: SigningKey[] = previous?.organisations.find((o) => o.id === org.id)?.signingKeys ?? [];
    const signingKeys = earlier.some((k) => k.key === current)
      ? earlier
      : [...earlier.map((k) => (k.revokedAt ? k : { ...k, revokedAt: now.toISOString() })), { key: current, createdAt: now.toISOString() }];
    entries.push({ ...org, signingKeys, sealingKey: publicKeyOfCurveSeed(creds.curveSeed) });
  }
  const directory: Directory = { generatedAt: now.toISOString(), organisations: entries };
  await writeFile(directoryPath(dataDir), JSON.stringify(directory, null, 2) + "\n");
  return { organisations, admin: await operator(dataDir, ADMIN_ID), audit: await operator(dataDir, AUDIT_ID), directory };
}

/**
 * Rotates an organisation's signing key: a new seed replaces the old one, and the old public key
 * is marked revoked from now on in the directory (messages stored before stay verifiable).
 * Regenerate the server config and reload the server afterwards.
 */
export async function rotateSigningKey(registry: Registry, dataDir: string, org: string, now = new Date()): Promise<Identities> {
  const path = credentialsPath(dataDir, org);
  const creds = OrgCredentials.parse(await readJson(path));
  await writeSecret(path, { ...creds, seed: dec.decode(createUser().getSeed()) });
  return ensureIdentities(registry, dataDir, now);
}
