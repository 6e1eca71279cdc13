/**
 * Applying a registry or key change to a running server: the generated accounts block inside the
 * server's config file is replaced (everything around it — ports, store, cluster, leaf links —
 * stays), then nats-server re-reads its config on SIGHUP (supported on 2.9): a removed or rotated
 * key is refused from then on, and its open connections are closed by the server. An account added
 * or removed needs a restart instead ({@link needsRestart}): `schakel up` does it when asked
 * (registry-change.ts). A hub's block keeps its leaves' links (their secrets as kept in the data
 * folder), a leaf's its hosted organisations, both read back from the config (leaf/config-sites.ts).
 */
import { existsSync } from "node:fs";
import { readdir, readFile, readlink, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { SchakelError, type Registry } from "@schakel/contracts";
import { accountNamesOf, accountsBlockOf, renderAccounts, replaceAccounts } from "./accounts.ts";
import type { Identities } from "./identities.ts";
import { configKindOf, hubSitesOf, leafAccountsOf, leafSiteOf, type ConfigKind } from "./leaf/config-sites.ts";
import { renderHubAuthorization, renderLeafAuthorization } from "./leaf/leaf-config.ts";
import { readLeafSecrets } from "./leaf/leaf-secrets.ts";
import { writeWhole } from "./write-whole.ts";

/** What rewriting the accounts block changed. */
export interface ConfigRewrite {
  /** The server the config is for: its accounts are rendered as that kind's. */
  kind: ConfigKind;
  changed: boolean;
  /** Accounts (organisations) the new block defines and the old one did not, and the reverse. */
  accountsAdded: string[];
  accountsRemoved: string[];
}

/**
 * A reload is enough for new, rotated or revoked users of existing accounts; an account added or
 * removed needs a restart: nats-server 2.9 wires a new account's imports only when it starts (after
 * a reload every request through them answers "no responders").
 */
export const needsRestart = (r: ConfigRewrite): boolean => r.accountsAdded.length > 0 || r.accountsRemoved.length > 0;

/** The config text with a new accounts block for its kind of server, and the old and new blocks. */
async function rendered(kind: ConfigKind, before: string, registry: Registry, ids: Identities, dataDir: string | undefined, configPath: string): Promise<{ after: string; old: string; block: string }> {
  if (kind === "leaf") {
    const accounts = leafAccountsOf(before);
    const block = renderLeafAuthorization(registry, ids, leafSiteOf(before, registry));
    return { after: accounts.replace(block), old: accounts.block, block };
  }
  let block: string;
  if (kind === "hub") {
    if (!dataDir) throw new SchakelError("failed", `the server config at ${configPath} is a hub's: its leaves' link secrets are needed to render it again (pass the data folder they were generated in)`, { path: configPath });
    const sites = hubSitesOf(before, registry);
    block = renderHubAuthorization(registry, ids, sites, await readLeafSecrets(dataDir, sites));
  } else {
    block = renderAccounts(registry, ids);
  }
  return { after: replaceAccounts(before, block), old: accountsBlockOf(before) ?? "", block };
}

/** A config rendered again and not yet written: what it changes, and writing it. */
export interface PlannedRewrite {
  rewrite: ConfigRewrite;
  /** Writes the new text whole (nothing when nothing changed); the file keeps its mode. */
  write(): Promise<void>;
}

/**
 * Renders the accounts block of `configPath` for `ids` again without writing it: a node's (the
 * config `schakel up` writes, or a cluster node's), a hub's with its leaves' links (their secrets
 * read from `dataDir`), or a leaf's with its hosted organisations.
 * @throws SchakelError `not-found` when there is no config file yet (`schakel up` writes it) or a
 * hub's link secret is missing; `schema` for a config without a generated accounts block.
 */
export async function planServerConfig(configPath: string, registry: Registry, ids: Identities, opts: { dataDir?: string } = {}): Promise<PlannedRewrite> {
  if (!existsSync(configPath)) {
    throw new SchakelError("not-found", `no server config at ${configPath}: start the bus once with "schakel up" (it writes the config), then rotate`, { path: configPath });
  }
  const before = await readFile(configPath, "utf8");
  const kind = configKindOf(before);
  const { after, old, block } = await rendered(kind, before, registry, ids, opts.dataDir, configPath);
  const had = new Set(accountNamesOf(old));
  const has = new Set(accountNamesOf(block));
  const rewrite = {
    kind,
    changed: after !== before,
    accountsAdded: [...has].filter((a) => !had.has(a)),
    accountsRemoved: [...had].filter((a) => !has.has(a)),
  };
  return {
    rewrite,
    // The file keeps its mode: a leaf's holds its links' passwords (0600).
    write: async () => {
      if (rewrite.changed) await writeWhole(configPath, after, (await stat(configPath)).mode & 0o777);
    },
  };
}

/** Rewrites the accounts block of `configPath` for `ids` ({@link planServerConfig}), saying what changed. */
export async function rewriteServerConfig(configPath: string, registry: Registry, ids: Identities, opts: { dataDir?: string } = {}): Promise<ConfigRewrite> {
  const plan = await planServerConfig(configPath, registry, ids, opts);
  await plan.write();
  return plan.rewrite;
}

/** The pid in a pid file, when that process is alive. */
export async function runningPid(pidFile: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number((await readFile(pidFile, "utf8")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/**
 * The running nats-servers by the config file each was started with (`-c`/`--config`, absolute),
 * read from /proc in one pass: Linux, where Schakel's servers run; elsewhere none is found and
 * the caller says to reload.
 */
export async function runningServerConfigs(): Promise<Map<string, number[]>> {
  const byConfig = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = (await readdir("/proc")).filter((e) => /^\d+$/.test(e));
  } catch {
    return byConfig;
  }
  for (const pid of entries) {
    try {
      const args = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
      if (!args[0]?.endsWith("nats-server")) continue;
      const cwd = await readlink(`/proc/${pid}/cwd`);
      args.forEach((a, i) => {
        const m = /^--?(?:c|config)(?:=(.*))?$/.exec(a);
        const file = m ? m[1] ?? args[i + 1] : undefined;
        if (!file) return;
        const path = resolve(cwd, file);
        byConfig.set(path, [...(byConfig.get(path) ?? []), Number(pid)]);
      });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return byConfig;
}

/**
 * Asks nats-server `pid` to reload its config (SIGHUP).
 * @throws SchakelError `failed` when the signal cannot be sent (the process is gone or not ours):
 * sending it again does not help, restarting the server does.
 */
export function reloadServer(pid: number): void {
  try {
    process.kill(pid, "SIGHUP");
  } catch (cause) {
    throw new SchakelError("failed", `cannot signal nats-server (pid ${pid}) to reload: ${(cause as Error).message}; restart it with "schakel up"`, { pid }, { cause });
  }
}
