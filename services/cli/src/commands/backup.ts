/**
 * `schakel backup DIR`: a JetStream snapshot of every stream and KV bucket, taken as the data
 * folder's admin operator, plus the key directory, the registry and the audit log, with a
 * manifest (sizes, sha256). Seeds only with `--include-secrets`.
 * `schakel restore DIR`: checks every file against the manifest, refuses a server that holds any
 * of the streams already (exit 2), restores them, and with `--files` puts the data-folder files
 * back. Without a running bus it starts the data folder's own server for the restore.
 * A backup is an export of everything stored: it is recorded in the read audit first (kind
 * "export"), for the signed-in person's organisation, else the platform's.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_REGISTRY_PATH, EmbeddedServerError, NatsServerMissingError } from "@schakel/infra";
import { readManifest, type Manifest } from "../backup/manifest.ts";
import { busNamed, dataFolderBus, runningBus, type OperatorBus } from "../backup/operator.ts";
import { byteSize, streamProgress } from "../backup/progress.ts";
import { checkBackup, refuseExisting, restoreFiles, restoreStream, type RestoredSummary } from "../backup/restore-backup.ts";
import { SECRET_FOLDERS } from "../backup/secret-folders.ts";
import { takeBackup } from "../backup/take-backup.ts";
import { platformOf } from "@schakel/organisation";
import { dataDirOf, loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { readingOrganisation, recordCliRead } from "../reads/record-cli-read.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, emit, note } from "../output.ts";

interface BackupOptions extends GlobalOptions {
  registry?: string;
  includeSecrets?: boolean;
}

interface RestoreOptions extends GlobalOptions {
  registry?: string;
  files?: boolean;
  keepAged?: boolean;
}

export interface RestoreResult {
  server: string;
  startedServer: boolean;
  /** The command that starts the bus on what was restored. */
  next: string;
  streams: RestoredSummary[];
  files: string[];
  durationMs: number;
}

const SECRETS_HELP = SECRET_FOLDERS.map((s) => `  ${s.folder}/  ${s.holds}${s.withIncludeSecrets ? " (copied with --include-secrets)" : " (never copied)"}`).join("\n");

function backupSummary(dir: string): (m: Manifest) => string {
  return (m) => {
    const bytes = m.streams.reduce((n, s) => n + s.size, 0);
    const ms = Date.parse(m.finishedAt) - Date.parse(m.startedAt);
    const lines = [`backed up ${m.streams.length} streams (${byteSize(bytes)}) and ${m.files.length} files into ${dir} in ${(ms / 1000).toFixed(1)} s`];
    for (const s of m.skipped) lines.push(color.yellow(`skipped ${s.name}: ${s.reason}`));
    if (m.excluded.length) lines.push(`left out: ${m.excluded.join(", ")}`);
    return lines.join("\n");
  };
}

async function backup(dirArg: string, opts: BackupOptions): Promise<void> {
  const dir = resolve(dirArg);
  const includeSecrets = opts.includeSecrets === true;
  if (includeSecrets) note(color.red(color.bold(`WARNING: this backup will hold SECRETS (${SECRET_FOLDERS.filter((s) => s.withIncludeSecrets).map((s) => s.holds).join("; ")}): anyone who reads ${dir} can sign as every organisation. Keep it encrypted and apart from the data.`)));
  const bus = await runningBus(opts, "schakel-cli:backup");
  try {
    await withBus(readingOrganisation(opts, platformOf(loadDirectory(opts))), opts, (reader) =>
      recordCliRead(reader, opts, { kind: "export", purpose: "schakel backup", messageIds: [] }));
    const manifest = await takeBackup(bus.op, {
      dir, dataDir: dataDirOf(opts), registryPath: resolve(opts.registry ?? DEFAULT_REGISTRY_PATH), includeSecrets, onStream: streamProgress("backup"),
    });
    emit(opts, manifest, backupSummary(dir));
  } finally {
    await bus.close();
  }
}

async function openForRestore(opts: RestoreOptions): Promise<OperatorBus> {
  if (busNamed(opts)) return runningBus(opts, "schakel-cli:restore");
  note(`no running bus for ${dataDirOf(opts)}: starting its nats-server for the restore`);
  try {
    return await dataFolderBus(opts, opts.registry && resolve(opts.registry), "schakel-cli:restore");
  } catch (err) {
    if (err instanceof NatsServerMissingError || err instanceof EmbeddedServerError) throw new CliError(err.message, EXIT.failure);
    throw err;
  }
}

/** `schakel up` for the data folder, with its kept registry when it has one. */
function upCommand(dataDir: string): string {
  const registry = join(dataDir, "registry.json");
  return `schakel up --data ${dataDir}${existsSync(registry) ? ` --registry ${registry}` : ""}`;
}

function restoreSummary(r: RestoreResult): string {
  const lines = r.streams.map((s) => `  ${s.name.padEnd(24)} ${String(s.messages).padStart(8)} messages, ${s.messages ? `seq ${s.firstSeq}–${s.lastSeq}` : `last seq ${s.lastSeq}`}, ${byteSize(s.bytes)}${s.agedOut ? color.yellow(`, ${s.agedOut} aged out (older than max_age)`) : ""}`);
  lines.unshift(`restored ${r.streams.length} streams into ${r.server} in ${(r.durationMs / 1000).toFixed(1)} s`);
  if (r.files.length) lines.push(`files put back into the data folder: ${r.files.join(", ")}`);
  if (r.startedServer) lines.push(`stopped the server again; now start the bus: ${r.next}`);
  return lines.join("\n");
}

async function restore(dirArg: string, opts: RestoreOptions): Promise<void> {
  const dir = resolve(dirArg);
  const started = performance.now();
  const manifest = await readManifest(dir);
  await checkBackup(dir, manifest);
  const files = opts.files ? await restoreFiles(dir, manifest, dataDirOf(opts)) : [];
  const bus = await openForRestore(opts);
  try {
    await refuseExisting(bus.op, manifest);
    const progress = streamProgress("restore");
    const streams: RestoredSummary[] = [];
    for (const s of manifest.streams) {
      const done = await restoreStream(bus.op, dir, s, { keepAged: opts.keepAged === true, onBytes: (bytes) => progress(s.name, bytes, false) });
      progress(s.name, done.bytes, true);
      streams.push(done);
    }
    const result: RestoreResult = { server: bus.url, startedServer: bus.started, next: upCommand(dataDirOf(opts)), streams, files, durationMs: Math.round(performance.now() - started) };
    emit(opts, result, restoreSummary);
  } finally {
    await bus.close();
  }
}

export function registerBackup(program: Command): void {
  program
    .command("backup")
    .description("snapshot every stream and KV bucket, with the key directory, the registry and the audit log, into a new folder")
    .argument("<dir>", "a new or empty folder (written owner-only)")
    .option("--registry <file>", "the registry the bus runs with, kept in the backup (default: the demo registry)")
    .option("--include-secrets", "also copy the seeds (identities/): the backup can then sign as every organisation")
    .option("--json", "print the manifest as JSON")
    .addHelpText("after", `
Each stream is a JetStream snapshot, consistent in itself (streams are taken one after the other).
manifest.json lists each stream's config, state, file, size and sha256; restore checks them.
Never copied from the data folder (its secret folders):
${SECRETS_HELP}
Exit codes: 0 done, 1 a snapshot failed, 2 bad input (folder not empty), 3 bus unreachable.`)
    .action(async (dir: string, _o: unknown, cmd: Command) => backup(dir, cmd.optsWithGlobals<BackupOptions>()));
  program
    .command("restore")
    .description("restore a backup into a server that holds none of its streams")
    .argument("<dir>", "a folder written by schakel backup")
    .option("--files", "also put the key directory, registry, audit log (and seeds, if the backup holds them) into the data folder")
    .option("--registry <file>", "the registry for the data folder's server when restore starts it (default: the restored registry.json, else the demo registry)")
    .option("--keep-aged", "restore every stream without its max_age, so messages past it are kept: for reading an old backup on a throw-away server, not for running the bus")
    .option("--json", "print what was restored as JSON")
    .addHelpText("after", `
Every file is checked against the manifest's sha256 first: a damaged backup restores nothing (exit 1).
A server that already holds one of the streams is refused, naming them (exit 2): restore into an
empty server. Without --server, NATS_URL or a running "schakel up", restore starts the data
folder's own nats-server for the restore and stops it afterwards; then run "schakel up".
The server ages restored messages by their original storage time: those already older than a
stream's max_age are dropped on restore and reported as aged out (see --keep-aged).
Exit codes: 0 done, 1 damaged backup or failed restore, 2 bad input or streams exist, 3 bus unreachable.`)
    .action(async (dir: string, _o: unknown, cmd: Command) => restore(dir, cmd.optsWithGlobals<RestoreOptions>()));
}
