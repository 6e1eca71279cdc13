/**
 * Taking a backup: a snapshot of every stream (KV buckets included: they are streams `KV_<name>`)
 * as the admin operator, each consistent in itself, written as an archive with its
 * `{config, state}` beside it (`streams/<name>/stream.tar.s2` and `backup.json`, as `nats stream
 * backup` lays them out); then the data folder's public files (the key directory, the
 * registry, the audit log — copied after the `audit` bucket's snapshot, so its checkpoints never
 * run ahead of the log); seeds only with `includeSecrets`; the manifest last, so a folder without
 * one is an unfinished backup. Everything is written owner-only (0700 folders, 0600 files): the
 * archives hold every stored message.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { chmod, copyFile, mkdir, open, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { OperatorConnection } from "@schakel/contracts/bus";
import { auditLogPath } from "@schakel/audit";
import { directoryPath, identitiesDir } from "@schakel/infra";
import { CliError, EXIT } from "../exit-codes.ts";
import { backupFilePath, MANIFEST_FILE, MANIFEST_FORMAT, type FileEntry, type Manifest, type StreamEntry } from "./manifest.ts";
import { mayCopy, SECRET_FOLDERS } from "./secret-folders.ts";

export interface BackupRequest {
  dir: string;
  dataDir: string;
  /** The registry the bus was set up from; kept as `registry.json`. */
  registryPath: string;
  includeSecrets: boolean;
  /** Reports the bytes written of a stream's archive so far (`done` once complete). */
  onStream?: (stream: string, bytes: number, done: boolean) => void;
}

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Size and sha256 of a file, read in pieces (archives can be large). */
export async function sha256Of(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const piece of createReadStream(path)) {
    hash.update(piece as Buffer);
    size += (piece as Buffer).length;
  }
  return { size, sha256: hash.digest("hex") };
}

/** Refuses a folder that holds anything already (exit 2): a backup never mixes with another. */
async function prepareFolder(dir: string): Promise<void> {
  if (existsSync(dir) && (await readdir(dir)).length > 0) throw new CliError(`${dir} is not empty: give a new or empty folder for the backup`, EXIT.usage);
  await mkdir(join(dir, "streams"), { recursive: true, mode: PRIVATE_DIR });
  await mkdir(join(dir, "files"), { mode: PRIVATE_DIR });
}

async function snapshotInto(op: OperatorConnection, req: BackupRequest, stream: string): Promise<StreamEntry> {
  // The layout of `nats stream backup`, so `nats stream restore` can read a stream's folder too.
  const file = `streams/${stream}/stream.tar.s2`;
  const meta = `streams/${stream}/backup.json`;
  await mkdir(join(req.dir, "streams", stream), { mode: PRIVATE_DIR });
  const out = await open(join(req.dir, file), "wx", PRIVATE_FILE);
  const hash = createHash("sha256");
  try {
    const taken = await op.snapshot(stream, async (chunk) => {
      hash.update(chunk);
      await out.write(chunk);
    }, { onProgress: (bytes) => req.onStream?.(stream, bytes, false) });
    await out.sync();
    await writeFile(join(req.dir, meta), JSON.stringify({ config: taken.config, state: taken.state }, null, 2) + "\n", { mode: PRIVATE_FILE });
    req.onStream?.(stream, taken.bytes, true);
    return { name: stream, file, meta, size: taken.bytes, sha256: hash.digest("hex"), config: taken.config, state: taken.state };
  } finally {
    await out.close();
  }
}

/** The data-folder files a backup keeps, relative to the data folder, that exist now. */
async function dataFiles(req: BackupRequest): Promise<string[]> {
  const named = [directoryPath(req.dataDir), auditLogPath(req.dataDir)].map((p) => relative(req.dataDir, p));
  const ids = identitiesDir(req.dataDir);
  const seeds = req.includeSecrets && existsSync(ids) ? (await readdir(ids)).map((f) => relative(req.dataDir, join(ids, f))) : [];
  return [...named, ...seeds].filter((p) => existsSync(join(req.dataDir, p)) && mayCopy(p, req.includeSecrets));
}

async function keepFile(req: BackupRequest, from: string, path: string): Promise<FileEntry> {
  const to = backupFilePath(req.dir, path);
  await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR });
  await copyFile(from, to);
  await chmod(to, PRIVATE_FILE);
  return { path, ...(await sha256Of(to)) };
}

/**
 * Writes a backup of the bus `op` reaches and of the data folder into `req.dir` and returns its
 * manifest. @throws CliError (exit 2) when the folder is not empty; the bus client's errors when
 * a snapshot fails (the folder then has no manifest: restore refuses it).
 */
export async function takeBackup(op: OperatorConnection, req: BackupRequest): Promise<Manifest> {
  const startedAt = new Date().toISOString();
  await prepareFolder(req.dir);
  const streams: StreamEntry[] = [];
  const skipped: Manifest["skipped"] = [];
  for (const s of await op.streams()) {
    if (s.storage !== "file") skipped.push({ name: s.name, reason: `${s.storage} storage: JetStream snapshots file streams only` });
    else streams.push(await snapshotInto(op, req, s.name));
  }
  const files = [await keepFile(req, req.registryPath, "registry.json")];
  for (const path of await dataFiles(req)) files.push(await keepFile(req, join(req.dataDir, path), path));
  const excluded = SECRET_FOLDERS.filter((s) => !(req.includeSecrets && s.withIncludeSecrets)).map((s) => `${s.folder}/ (${s.holds})`);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT, startedAt, finishedAt: new Date().toISOString(), server: { version: op.serverVersion },
    includesSecrets: req.includeSecrets, streams, skipped, files, excluded,
  };
  await writeFile(join(req.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", { mode: PRIVATE_FILE });
  return manifest;
}
