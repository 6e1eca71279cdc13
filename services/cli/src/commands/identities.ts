/**
 * `schakel identities generate|list|rotate ORG|revoke ORG`: the organisations' keys. Each change
 * writes the credentials and the public key directory, rewrites the accounts in the data folder's
 * server config and asks a running server to reload it (SIGHUP), so that a registry change or a
 * rotation is one command. Services that hold the old credentials must be restarted with the new
 * ones; receivers pick up the new directory (KeyDirectory.watchFile) without a restart.
 */
import type { Command } from "commander";
import {
  activeUserKey, AdminConnectError, embeddedPaths, ensureIdentities, loadRegistry, provisionAsAdmin, publicKeyOfSeed, reloadServer, revokeSigningKey,
  rewriteServerConfig, rotateSigningKey, runningPid, type Identities,
} from "@schakel/infra";
import type { Registry } from "@schakel/contracts";
import { dataDirOf, readConnection, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { emit, note } from "../output.ts";

interface IdentityOptions extends GlobalOptions {
  registry?: string;
  at?: string;
  suspend?: boolean;
}

interface Applied {
  config: "rewritten" | "unchanged" | "absent";
  reloaded: boolean;
  provisioned: boolean;
}

/** Rewrites the server config of the data folder and reloads a running server. */
async function applyToServer(opts: IdentityOptions, registry: Registry, ids: Identities, provisionToo: boolean): Promise<Applied> {
  const dataDir = dataDirOf(opts);
  const paths = embeddedPaths(dataDir);
  const applied: Applied = { config: "absent", reloaded: false, provisioned: false };
  try {
    applied.config = (await rewriteServerConfig(paths.config, registry, ids)) ? "rewritten" : "unchanged";
  } catch {
    note(`no server config in ${dataDir} yet: "npx schakel up" writes it with these identities`);
    return applied;
  }
  const pid = await runningPid(paths.pidFile);
  if (pid !== undefined && applied.config === "rewritten") {
    reloadServer(pid);
    applied.reloaded = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  const url = opts.server ?? readConnection(dataDir)?.url;
  if (provisionToo && pid !== undefined && url) {
    // New organisations need their inbox consumers and bucket: provisioning is idempotent. A server
    // that is gone or refuses the admin leaves it to the next "schakel up" (the output does not claim it).
    try {
      await provisionAsAdmin({ url, adminSeed: ids.admin.seed, registry, name: "schakel-identities:admin" });
      applied.provisioned = true;
    } catch (err) {
      if (!(err instanceof AdminConnectError)) throw err;
    }
  }
  return applied;
}

function keyOf(ids: Identities, org: string): string {
  const creds = ids.organisations.get(org);
  if (!creds) throw new CliError(`unknown organisation "${org}"; known: ${[...ids.organisations.keys()].join(", ")}`, EXIT.usage);
  return publicKeyOfSeed(creds.seed);
}

function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new CliError(`--at "${text}" is not a time such as 2026-03-01T09:30:00Z`, EXIT.usage);
  if (at.getTime() > Date.now()) throw new CliError(`--at ${at.toISOString()} lies in the future: revoke now, or at the moment the key was compromised`, EXIT.usage);
  return at;
}

async function generate(opts: IdentityOptions): Promise<void> {
  const registry = loadRegistry(opts.registry);
  const ids = await ensureIdentities(registry, dataDirOf(opts));
  const applied = await applyToServer(opts, registry, ids, true);
  emit(opts, { organisations: registry.organisations.length, ...applied }, (r) =>
    `${r.organisations} organisations have keys; server config ${r.config}${r.reloaded ? ", server reloaded" : ""}${r.provisioned ? ", consumers and buckets provisioned" : ""}`);
}

async function list(opts: IdentityOptions): Promise<void> {
  const registry = loadRegistry(opts.registry);
  const ids = await ensureIdentities(registry, dataDirOf(opts));
  const rows = ids.directory.organisations.map((o) => ({ org: o.id, level: o.level, active: activeUserKey(ids, o.id) ?? null, keys: o.signingKeys }));
  emit(opts, rows, (rs) => rs.map((r) => `${r.org.padEnd(12)} ${r.level.padEnd(10)} ${r.active ? `${r.active.slice(0, 12)}…` : "SUSPENDED"}  ${r.keys.length - 1} earlier key(s)`).join("\n"));
}

async function change(org: string, opts: IdentityOptions, how: "rotate" | "revoke"): Promise<void> {
  const registry = loadRegistry(opts.registry);
  const dataDir = dataDirOf(opts);
  const before = keyOf(await ensureIdentities(registry, dataDir), org);
  const ids = how === "rotate"
    ? await rotateSigningKey(registry, dataDir, org)
    : await revokeSigningKey(registry, dataDir, org, { ...(opts.at ? { at: parseAt(opts.at)! } : {}), replace: !opts.suspend });
  const revokedAt = ids.directory.organisations.find((o) => o.id === org)!.signingKeys.find((k) => k.key === before)!.revokedAt;
  const applied = await applyToServer(opts, registry, ids, false);
  const now = activeUserKey(ids, org) ?? null;
  emit(opts, { org, revokedKey: before, revokedAt, activeKey: now, ...applied }, (r) =>
    [`${org}: key ${r.revokedKey.slice(0, 12)}… revoked from ${r.revokedAt}`,
      r.activeKey ? `new key ${r.activeKey.slice(0, 12)}… (credentials in the data folder; restart ${org}'s services with them)` : `${org} is suspended until "npx schakel identities rotate ${org}"`,
      `server config ${r.config}${r.reloaded ? ", server reloaded: the old key is refused from now on" : ""}`].join("\n"));
}

export function registerIdentities(program: Command): void {
  const identities = program.command("identities").description("the organisations' keys: generate, list, rotate, revoke");
  const withRegistry = (c: Command) => c.option("--registry <file>", "registry file (default: the demo registry)").option("--json", "print JSON");
  withRegistry(identities.command("generate").description("give every organisation of the registry keys, rewrite the server config and reload it"))
    .action(async (_o: unknown, command: Command) => generate(command.optsWithGlobals<IdentityOptions>()));
  withRegistry(identities.command("list").description("each organisation's active key and how many earlier keys it had"))
    .action(async (_o: unknown, command: Command) => list(command.optsWithGlobals<IdentityOptions>()));
  withRegistry(identities.command("rotate").argument("<org>", "organisation id").description("issue a new signing key; the old one stays valid for messages stored before now"))
    .action(async (org: string, _o: unknown, command: Command) => change(org, command.optsWithGlobals<IdentityOptions>(), "rotate"));
  withRegistry(identities.command("revoke").argument("<org>", "organisation id").description("revoke the current key (from --at, e.g. when it was compromised) and issue a new one, or --suspend")
    .option("--at <time>", "revoke from this moment (ISO time, not in the future; default now)")
    .option("--suspend", "issue no new key: the organisation cannot connect until it is rotated"))
    .action(async (org: string, _o: unknown, command: Command) => change(org, command.optsWithGlobals<IdentityOptions>(), "revoke"));
}
