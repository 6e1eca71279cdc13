/**
 * `schakel identities … --config FILE …`: server configs other than the one `schakel up` writes —
 * a hub's (its leaves' links kept, their secrets read from the data folder), each leaf's, a
 * cluster's nodes'. Every file is rendered before any is written, so a file that cannot be
 * rendered (a missing link secret, a leaf whose organisations all left) changes none of them;
 * then each is written whole and every nats-server running with it on this machine is reloaded.
 */
import { existsSync } from "node:fs";
import type { Registry } from "@schakel/contracts";
import { needsRestart, planServerConfig, reloadServer, runningServerConfigs, type ConfigRewrite, type Identities, type PlannedRewrite } from "@schakel/infra";
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
 * Renders `paths` (absolute) for `ids` without writing them: throws what stands in the way (a
 * missing file or link secret, a leaf whose organisations all left). Called before any key changes
 * too, so a change that cannot reach the servers is not made at all.
 */
export async function planConfigFiles(paths: readonly string[], registry: Registry, ids: Identities, dataDir: string): Promise<{ path: string; plan: PlannedRewrite }[]> {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length) throw new CliError(`--config: no such file: ${missing.join(", ")}; name the config files the servers run with`, EXIT.usage);
  const plans: { path: string; plan: PlannedRewrite }[] = [];
  for (const path of paths) plans.push({ path, plan: await planServerConfig(path, registry, ids, { dataDir }) });
  return plans;
}

/** Rewrites `paths` (absolute) for `ids` (link secrets from `dataDir`) and reloads the servers using them. */
export async function applyToConfigFiles(paths: readonly string[], registry: Registry, ids: Identities, dataDir: string): Promise<ConfigFileApplied[]> {
  // Every file rendered before any is written, so that a failure in one leaves all of them as they were.
  const plans = await planConfigFiles(paths, registry, ids, dataDir);
  const running = await runningServerConfigs();
  const applied: ConfigFileApplied[] = [];
  for (const { path, plan } of plans) {
    await plan.write();
    const { rewrite } = plan;
    const restartNeeded = needsRestart(rewrite);
    const reloaded = rewrite.changed && !restartNeeded ? running.get(path) ?? [] : [];
    for (const pid of reloaded) reloadServer(pid);
    applied.push({ path, ...rewrite, reloaded, restartNeeded });
  }
  return applied;
}
