/**
 * What `schakel up` settles before it starts anything: no other `up` runs on the data folder;
 * with `--fresh` the old data folder is moved aside; nats-server is installed (or installed now,
 * as root on Debian) when `up` is to start one. A missing nats-server ends `up` at once with exit 2
 * and the command to run, before any file is written or any process is spawned.
 */
import { clearLeftoverServer, embeddedPaths, ensureSystemTool, privateDir, SystemToolMissingError } from "@schakel/infra";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, note } from "../output.ts";
import { ensureNotRunning } from "./connection-file.ts";
import { moveAside } from "./fresh-start.ts";

export interface Preparation {
  /** `--fresh`: move the data folder aside first. */
  fresh?: boolean;
  /** `up` starts its own nats-server (no --server, no NATS_URL). */
  embedded: boolean;
}

/** Makes the data folder ready; throws CliError (exit 1: `up` already runs; exit 2: nats-server missing). */
export async function prepareDataFolder(dataDir: string, how: Preparation): Promise<void> {
  ensureNotRunning(dataDir);
  if (how.embedded) {
    try {
      ensureSystemTool("nats-server", { say: (line) => note(color.yellow(line)) });
    } catch (err) {
      if (err instanceof SystemToolMissingError) throw new CliError(err.message, EXIT.usage);
      throw err;
    }
  }
  if (how.fresh) {
    // A nats-server left running by a killed `up` would keep serving the old store from its new place.
    const paths = embeddedPaths(dataDir);
    const leftover = await clearLeftoverServer(paths.pidFile, paths.config);
    if (leftover.kind === "stopped") note(color.yellow(`stopped nats-server pid ${leftover.pid}, left running by an earlier "schakel up" on this data folder`));
    const aside = await moveAside(dataDir);
    note(aside ? color.yellow(`--fresh: moved the old data folder aside to ${aside} (delete it when you no longer need it)`) : color.dim(`--fresh: ${dataDir} did not exist yet`));
  }
  privateDir(dataDir);
}
