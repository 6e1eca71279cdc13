/**
 * `schakel identities … --config FILE …`: server configs other than the one `schakel up` writes —
 * a hub's (its leaves' links kept, their secrets read from the data folder), each leaf's, a
 * cluster's nodes'. Every file is rendered before any is written, so a file that cannot be
 * rendered (a missing link secret, a leaf whose organisations all left) changes none of them;
 * then each is written whole and every nats-server running with it on this machine is reloaded.
 */
import { existsSync } from "node:fs";
import type { Registry } from "@schakel/contracts";
import { needsRestart, reloadServer, rewriteServerConfig, serverPidsFor, type ConfigRewrite, type Identities } from "@schakel/infra";
import { CliError, EXIT } from "../exit-codes.ts";

/** One config file, what rewriting it changed and the servers reloaded with it. */
export interface ConfigFileApplied extends ConfigRewrite {
  path: string;
  /** Pids of the nats-servers that re-read it (SIGHUP). */
  reloaded: number[];
  /** Accounts were added or removed: its server needs a restart, which is left to the operator. */
  restartNeeded: boolean;
}

/**
 * Renders `paths` for `ids` without writing them: throws what stands in the way (a missing file
 * or link secret, a leaf whose organisations all left). Called before any key changes too, so a
 * change that cannot reach the servers is not made at all.
 */
export async function checkConfigFiles(paths: readonly string[], registry: Registry, ids: Identities, dataDir: string): Promise<void> {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length) throw new CliError(`--config: no such file: ${missing.join(", ")}; name the config files the servers run with`, EXIT.usage);
  for (const path of paths) await rewriteServerConfig(path, registry, ids, { dataDir, dryRun: true });
}

/** Rewrites `paths` for `ids` (link secrets from `dataDir`) and reloads the servers using them. */
export async function applyToConfigFiles(paths: readonly string[], registry: Registry, ids: Identities, dataDir: string): Promise<ConfigFileApplied[]> {
  // Rendered once without writing, so that a failure in any file leaves every file as it was.
  await checkConfigFiles(paths, registry, ids, dataDir);
  const applied: ConfigFileApplied[] = [];
  for (const path of paths) {
    const rewrite = await rewriteServerConfig(path, registry, ids, { dataDir });
    const restartNeeded = needsRestart(rewrite);
    const reloaded: number[] = [];
    if (rewrite.changed && !restartNeeded) {
      for (const pid of await serverPidsFor(path)) {
        reloadServer(pid);
        reloaded.push(pid);
      }
    }
    applied.push({ path, ...rewrite, reloaded, restartNeeded });
  }
  return applied;
}
