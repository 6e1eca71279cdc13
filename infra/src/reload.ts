/**
 * Applying a registry or key change to a running server: the generated accounts block inside the
 * server's config file is replaced (everything around it — ports, store, cluster — stays), then
 * nats-server re-reads its config on SIGHUP (supported on 2.9): a removed or rotated key is refused
 * from then on, and its open connections are closed by the server. An account added or removed
 * needs a restart instead ({@link needsRestart}): `schakel up` does it when asked (registry-change.ts).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { SchakelError, type Registry } from "@schakel/contracts";
import { accountNamesOf, accountsBlockOf, renderAccounts, replaceAccounts } from "./accounts.ts";
import type { Identities } from "./identities.ts";
import { writeWhole } from "./write-whole.ts";

/** What rewriting the accounts block changed. */
export interface ConfigRewrite {
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

/**
 * Rewrites the accounts block of `configPath` for `ids`, saying what changed.
 * @throws SchakelError `not-found` when there is no config file yet (`schakel up` writes it);
 * `schema` for a config with leaf links (a hub's or a leaf's), whose link users this would drop.
 */
export async function rewriteServerConfig(configPath: string, registry: Registry, ids: Identities): Promise<ConfigRewrite> {
  if (!existsSync(configPath)) {
    throw new SchakelError("not-found", `no server config at ${configPath}: start the bus once with "schakel up" (it writes the config), then rotate`, { path: configPath });
  }
  const before = await readFile(configPath, "utf8");
  // A hub's accounts carry its leaves' link users, a leaf's are its own: rendered here they would be lost.
  if (/^leafnodes\s*\{/m.test(before)) {
    throw new SchakelError("schema", `the server config at ${configPath} has leaf links (a hub's or a leaf's): "schakel identities" rewrites only the config "schakel up" writes; render the hub and its leaves again with infra/scripts/topology.ts (it keeps the link secrets), then reload them`, { path: configPath });
  }
  const block = renderAccounts(registry, ids);
  const after = replaceAccounts(before, block);
  const had = new Set(accountNamesOf(accountsBlockOf(before) ?? ""));
  const has = new Set(accountNamesOf(block));
  const rewrite = {
    changed: after !== before,
    accountsAdded: [...has].filter((a) => !had.has(a)),
    accountsRemoved: [...had].filter((a) => !has.has(a)),
  };
  if (rewrite.changed) await writeWhole(configPath, after);
  return rewrite;
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
