/**
 * `<data>/connection.json` while `schakel up` runs: where the bus is, which process runs it, where
 * the console is. Other commands find the bus through it; a second `up` on the same data folder
 * sees that one is already running. Removed again on a clean stop.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { commandLineOf, processAlive, writeWhole } from "@schakel/infra";
import { connectionPath, readConnection, type Connection } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";

/**
 * Refuses to start a second `up` on a data folder whose `up` still runs; a file left behind by an
 * `up` that was killed is stale and ignored (its nats-server is dealt with by the launcher).
 */
export function ensureNotRunning(dataDir: string): void {
  let conn: Connection | undefined;
  try {
    conn = readConnection(dataDir);
  } catch {
    return; // unreadable: written by a run that died mid-write
  }
  const pid = conn?.pid;
  if (!pid || pid === process.pid || !processAlive(pid)) return;
  const cmd = commandLineOf(pid);
  if (cmd !== undefined && !/schakel|main\.ts|node/.test(cmd)) return; // a recycled pid
  throw new CliError(`"schakel up" is already running for ${dataDir} (pid ${pid}, bus ${conn!.url}): use it, or stop it with Ctrl-C (kill -INT ${pid}) first`, EXIT.failure);
}

export async function writeConnection(dataDir: string, conn: Connection): Promise<void> {
  await writeWhole(connectionPath(dataDir), JSON.stringify(conn, null, 2) + "\n");
}

/** Removes the file if it is still this process's. */
export async function removeConnection(dataDir: string): Promise<void> {
  if (!existsSync(connectionPath(dataDir))) return;
  try {
    if (readConnection(dataDir)?.pid !== process.pid) return;
  } catch {
    return;
  }
  await rm(connectionPath(dataDir), { force: true });
}
