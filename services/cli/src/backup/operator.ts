/**
 * The bus a backup or restore talks to, as the data folder's admin operator: the server at
 * `--server`/NATS_URL/connection.json; or — for a restore only, when no bus runs — the data
 * folder's own nats-server, started for the restore with the config `schakel up` generates and
 * stopped after it, so `schakel up` then starts on the restored store.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { OperatorConnection } from "@schakel/contracts/bus";
import { ADMIN_ID, credentialsPath, ensureIdentities, loadRegistry, startEmbeddedServer } from "@schakel/infra";
import { waitForBus, waitOf } from "../bus-wait.ts";
import { dataDirOf, readConnection, serverUrlSource, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";

const AdminFile = z.object({ seed: z.string().regex(/^SU[A-Z2-7]{56}$/) });

export interface OperatorBus {
  op: OperatorConnection;
  /** Where it was reached, and whether this command started that server. */
  url: string;
  started: boolean;
  close(): Promise<void>;
}

async function adminSeed(dataDir: string): Promise<string> {
  const path = credentialsPath(dataDir, ADMIN_ID);
  const parsed = AdminFile.safeParse(JSON.parse(await readFile(path, "utf8").catch(() => "null")));
  if (!parsed.success) throw new CliError(`no operator credentials in ${path}: run "schakel up" once (or pass --data DIR)`, EXIT.usage);
  return parsed.data.seed;
}

const connectAdmin = (url: string, seed: string, name: string) => OperatorConnection.connect({ servers: url, as: ADMIN_ID, seed, name, reconnect: false });

/** Whether a bus is named (`--server`, NATS_URL) or running for the data folder (connection.json). */
export const busNamed = (opts: GlobalOptions): boolean => Boolean(opts.server ?? process.env.NATS_URL ?? readConnection(dataDirOf(opts))?.url);

/** Connects to the running bus as the admin, waiting up to `--wait` (exit 3). */
export async function runningBus(opts: GlobalOptions, name: string): Promise<OperatorBus> {
  const seed = await adminSeed(dataDirOf(opts));
  let url = "";
  const op = await waitForBus(serverUrlSource(opts), (u) => connectAdmin((url = u), seed, name), { waitMs: waitOf(opts) });
  return { op, url, started: false, close: () => op.close() };
}

/**
 * Starts the data folder's nats-server (registry: the data folder's registry.json, else `registry`)
 * and connects to it as the admin. Identities missing from the data folder are created, as
 * `schakel up` would; the key directory keeps the earlier keys, so stored signatures still verify.
 */
export async function dataFolderBus(opts: GlobalOptions, registryPath: string | undefined, name: string): Promise<OperatorBus> {
  const dataDir = dataDirOf(opts);
  const kept = join(dataDir, "registry.json");
  const registry = loadRegistry(registryPath ?? (existsSync(kept) ? kept : undefined));
  const identities = await ensureIdentities(registry, dataDir);
  const server = await startEmbeddedServer({ dataDir, registry, identities });
  try {
    const op = await connectAdmin(server.url, identities.admin.seed, name);
    return { op, url: server.url, started: true, close: async () => (await op.close(), await server.stop()) };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
