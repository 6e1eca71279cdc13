/**
 * `schakel identities generate|list|rotate ORG|revoke ORG`: the organisations' keys. Each change
 * writes the credentials and the public key directory, rewrites the accounts in the data folder's
 * server config and applies it to a running server: a reload (SIGHUP) for new, rotated or revoked
 * keys; for organisations added to or removed from the registry, a restart that the running
 * `schakel up` does when asked (nats-server 2.9 wires an account only at start), starting the new
 * organisations' services and stopping those of the ones that left. Receivers pick up the new
 * directory (KeyDirectory.watchFile) without a restart. With `--config FILE …` it rewrites those
 * configs instead — a hub's (keeping its leaves' links), a leaf's, a cluster node's — and reloads
 * each server running with one of them (config-files.ts).
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import {
  activeUserKey, AdminConnectError, directoryPath, embeddedPaths, ensureIdentities, loadRegistry, needsRestart, processAlive, provisionAsAdmin, publicKeyOfSeed, reloadServer,
  revokeSigningKey, rewriteServerConfig, rotateSigningKey, runningPid, startTimeoutFor, type ConfigRewrite, type Identities,
} from "@schakel/infra";
import { SchakelError, type Registry } from "@schakel/contracts";
import { KeyDirectory } from "@schakel/contracts/bus";
import { dataDirOf, readConnection, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, emit, note } from "../output.ts";
import { requestRegistryChange } from "../up/registry-change.ts";
import { applyToConfigFiles, planConfigFiles, type ConfigFileApplied } from "../identities/config-files.ts";

interface IdentityOptions extends GlobalOptions {
  registry?: string;
  at?: string;
  suspend?: boolean;
  /** Server configs to rewrite instead of the data folder's own (a hub's, its leaves', a cluster's nodes); absolute once parsed. */
  config?: string[];
}

interface Applied {
  config: "rewritten" | "unchanged" | "absent";
  reloaded: boolean;
  provisioned: boolean;
  /** With --config: each file, what changed in it and which servers were reloaded. */
  configs?: ConfigFileApplied[];
  /** Organisations added or removed on a running bus: `schakel up` restarted its server to wire them. */
  restarted?: { ms: number; added: string[]; removed: string[]; started: string[]; stopped: string[] };
}

/** The pid of the `schakel up` that supervises nats-server `natsPid` in this data folder, if one does. */
function supervisingUp(dataDir: string, natsPid: number): number | undefined {
  let up: number | undefined;
  try {
    const connection = readConnection(dataDir);
    if (connection?.natsPid === natsPid) up = connection.pid;
  } catch {
    return undefined; // unreadable: written by a run that died mid-write
  }
  return up !== undefined && processAlive(up) ? up : undefined;
}

const listed = (orgs: string[]): string => orgs.length ? orgs.join(", ") : "none";

/**
 * Rewrites the server config of the data folder and applies it to a running server: a reload for
 * new, rotated or revoked keys; organisations added or removed need a restart (nats-server 2.9
 * wires an account only at start), which the running `schakel up` does when asked (registry-change.ts).
 */
async function applyToServer(opts: IdentityOptions, registry: Registry, ids: Identities, provisionToo: boolean): Promise<Applied> {
  if (opts.config?.length) return appliedToFiles(opts, registry, ids, provisionToo);
  const dataDir = dataDirOf(opts);
  const paths = embeddedPaths(dataDir);
  const applied: Applied = { config: "absent", reloaded: false, provisioned: false };
  let rewrite: ConfigRewrite;
  try {
    rewrite = await rewriteServerConfig(paths.config, registry, ids);
  } catch (err) {
    if (!(err instanceof SchakelError) || err.code !== "not-found") throw err;
    note(`no server config in ${dataDir} yet: "npx schakel up" writes it with these identities`);
    return applied;
  }
  applied.config = rewrite.changed ? "rewritten" : "unchanged";
  const pid = await runningPid(paths.pidFile);
  if (pid !== undefined && needsRestart(rewrite)) {
    const up = supervisingUp(dataDir, pid);
    if (up !== undefined) {
      note(`organisations added: ${listed(rewrite.accountsAdded)}; removed: ${listed(rewrite.accountsRemoved)} — asking "schakel up" (pid ${up}) to restart nats-server, which wires accounts only at start`);
      const answer = await requestRegistryChange(dataDir, opts.registry ? resolve(opts.registry) : undefined, 2 * startTimeoutFor(registry));
      if (answer.error) throw new CliError(`"schakel up" could not apply the registry change: ${answer.error}`, EXIT.failure);
      applied.restarted = { ms: answer.restartMs, added: rewrite.accountsAdded, removed: rewrite.accountsRemoved, started: answer.started, stopped: answer.stopped };
      applied.provisioned = true;
      return applied;
    }
    note(color.yellow(`organisations added: ${listed(rewrite.accountsAdded)}; removed: ${listed(rewrite.accountsRemoved)}. nats-server wires accounts only at start: restart the bus to apply them (keys of existing organisations are reloaded now)`));
  }
  if (pid !== undefined && rewrite.changed) {
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

/** `--config`: the files rewritten and their servers reloaded; provisioned through `--server` when given. */
async function appliedToFiles(opts: IdentityOptions, registry: Registry, ids: Identities, provisionToo: boolean): Promise<Applied> {
  const configs = await applyToConfigFiles(opts.config!, registry, ids, dataDirOf(opts));
  for (const c of configs) {
    if (c.restartNeeded) note(color.yellow(`${c.path}: organisations added: ${listed(c.accountsAdded)}; removed: ${listed(c.accountsRemoved)}. nats-server wires accounts only at start: restart that server to apply them`));
    else if (c.changed && c.reloaded.length === 0) note(color.yellow(`${c.path}: no running nats-server uses it here: reload the server that does (nats-server --signal reload=<pid>, or SIGHUP)`));
  }
  const applied: Applied = {
    config: configs.some((c) => c.changed) ? "rewritten" : "unchanged",
    reloaded: configs.some((c) => c.reloaded.length > 0),
    provisioned: false,
    configs,
  };
  if (provisionToo && opts.server) {
    try {
      await provisionAsAdmin({ url: opts.server, adminSeed: ids.admin.seed, registry, name: "schakel-identities:admin" });
      applied.provisioned = true;
    } catch (err) {
      if (!(err instanceof AdminConnectError)) throw err;
      note(color.yellow(`could not provision through ${opts.server}: ${err.message}`));
    }
  }
  return applied;
}

const describeConfigs = (configs: readonly ConfigFileApplied[] | undefined): string[] =>
  (configs ?? []).map((c) => `  ${c.path} (${c.kind}): ${c.changed ? "rewritten" : "unchanged"}${c.reloaded.length ? `, nats-server ${c.reloaded.join(", ")} reloaded` : ""}`);

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
  emit(opts, { organisations: registry.organisations.length, ...applied }, (r) => [
    `${r.organisations} organisations have keys; server config ${r.config}${r.reloaded ? ", server reloaded" : ""}${r.restarted ? `, server restarted in ${(r.restarted.ms / 1000).toFixed(1)} s` : ""}${r.provisioned ? ", consumers and buckets provisioned" : ""}`,
    ...(r.restarted ? [`added: ${listed(r.restarted.added)} (services started: ${listed(r.restarted.started)}); removed: ${listed(r.restarted.removed)} (services stopped: ${listed(r.restarted.stopped)})`] : []),
    ...describeConfigs(r.configs),
  ].join("\n"));
}

async function list(opts: IdentityOptions): Promise<void> {
  const registry = loadRegistry(opts.registry);
  requireSameMembers(registry, dataDirOf(opts), opts);
  const ids = await ensureIdentities(registry, dataDirOf(opts));
  const rows = ids.directory.organisations.map((o) => ({ org: o.id, level: o.level, active: activeUserKey(ids, o.id) ?? null, keys: o.signingKeys, leftAt: o.leftAt ?? null }));
  const state = (r: (typeof rows)[number]): string => r.leftAt ? `LEFT ${r.leftAt}` : r.active ? `${r.active.slice(0, 12)}…` : "SUSPENDED";
  emit(opts, rows, (rs) => rs.map((r) => `${r.org.padEnd(12)} ${r.level.padEnd(10)} ${state(r)}  ${r.keys.length - 1} earlier key(s)`).join("\n"));
}

/**
 * Listing, rotating or revoking never changes who is a member (only `generate` does): a registry
 * that differs from the organisations the data folder holds keys for is refused (usage), naming the
 * difference.
 */
function requireSameMembers(registry: Registry, dataDir: string, opts: IdentityOptions): void {
  let members: string[];
  try {
    members = KeyDirectory.fromFile(directoryPath(dataDir)).organisations.map((o) => o.id);
  } catch {
    return; // no directory yet: the first keys are made with this registry
  }
  const inRegistry = new Set(registry.organisations.map((o) => o.id));
  const added = [...inRegistry].filter((id) => !members.includes(id));
  const removed = members.filter((id) => !inRegistry.has(id));
  if (added.length || removed.length) {
    throw new CliError(`the registry ${opts.registry ?? "(the default)"} differs from the organisations of ${dataDir} (it adds: ${listed(added)}; it removes: ${listed(removed)}): pass the registry the bus runs with (--registry), or apply the change first with "schakel identities generate --registry …"`, EXIT.usage);
  }
}

async function change(org: string, opts: IdentityOptions, how: "rotate" | "revoke"): Promise<void> {
  const registry = loadRegistry(opts.registry);
  const dataDir = dataDirOf(opts);
  requireSameMembers(registry, dataDir, opts);
  const current = await ensureIdentities(registry, dataDir);
  const before = keyOf(current, org);
  // The configs must take the change before the key changes: otherwise the servers keep the old key.
  if (opts.config?.length) await planConfigFiles(opts.config, registry, current, dataDir);
  const ids = how === "rotate"
    ? await rotateSigningKey(registry, dataDir, org)
    : await revokeSigningKey(registry, dataDir, org, { ...(opts.at ? { at: parseAt(opts.at)! } : {}), replace: !opts.suspend });
  const revokedAt = ids.directory.organisations.find((o) => o.id === org)!.signingKeys.find((k) => k.key === before)!.revokedAt;
  const applied = await applyToServer(opts, registry, ids, false);
  const now = activeUserKey(ids, org) ?? null;
  emit(opts, { org, revokedKey: before, revokedAt, activeKey: now, ...applied }, (r) =>
    [`${org}: key ${r.revokedKey.slice(0, 12)}… revoked from ${r.revokedAt}`,
      r.activeKey ? `new key ${r.activeKey.slice(0, 12)}… (credentials in the data folder; ${org}'s services under "schakel up" or "schakel run" reconnect with them, elsewhere restart them)` : `${org} is suspended until "npx schakel identities rotate ${org}"`,
      `server config ${r.config}${r.reloaded ? ", server reloaded: the old key is refused from now on" : ""}`, ...describeConfigs(r.configs)].join("\n"));
}

export function registerIdentities(program: Command): void {
  const identities = program.command("identities").description("the organisations' keys: generate, list, rotate, revoke");
  const withRegistry = (c: Command) => c.option("--registry <file>", "registry file (default: the demo registry)").option("--json", "print JSON");
  const withConfigs = (c: Command) => c.option("--config <file...>", "rewrite these server configs instead of the data folder's own (a hub's, keeping its leaves' links; a leaf's; a cluster node's) and reload the servers running with them",
    (file: string, files: string[] = []) => [...files, resolve(file)]);
  withConfigs(withRegistry(identities.command("generate").description("give every organisation of the registry keys, rewrite the server config and reload it")))
    .action(async (_o: unknown, command: Command) => generate(command.optsWithGlobals<IdentityOptions>()));
  withRegistry(identities.command("list").description("each organisation's active key and how many earlier keys it had"))
    .action(async (_o: unknown, command: Command) => list(command.optsWithGlobals<IdentityOptions>()));
  withConfigs(withRegistry(identities.command("rotate").argument("<org>", "organisation id").description("issue a new signing key; the old one stays valid for messages stored before now")))
    .action(async (org: string, _o: unknown, command: Command) => change(org, command.optsWithGlobals<IdentityOptions>(), "rotate"));
  withConfigs(withRegistry(identities.command("revoke").argument("<org>", "organisation id").description("revoke the current key (from --at, e.g. when it was compromised) and issue a new one, or --suspend")
    .option("--at <time>", "revoke from this moment (ISO time, not in the future; default now)")
    .option("--suspend", "issue no new key: the organisation cannot connect until it is rotated")))
    .action(async (org: string, _o: unknown, command: Command) => change(org, command.optsWithGlobals<IdentityOptions>(), "revoke"));
}
