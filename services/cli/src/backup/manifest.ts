/**
 * `manifest.json`, the table of contents of a backup: when it was taken, from which server, and
 * per stream its config, its state at the snapshot, its archive file with size and sha256; per
 * data-folder file its size and sha256. Restore trusts nothing in the folder that the manifest
 * does not name and hash. A later format gets a new `format` string and keeps a reader for this one.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { CliError, EXIT } from "../exit-codes.ts";

export const MANIFEST_FORMAT = "schakel-backup/1";
export const MANIFEST_FILE = "manifest.json";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** A path inside the backup folder: relative, no way out of it. */
const Inside = z.string().min(1).refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), "must be a path inside the backup folder");

export const StreamEntry = z.object({
  name: z.string().min(1),
  /** The archive (tar.s2 as the server sent it). */
  file: Inside,
  /** `{config, state}` beside it, as `nats stream backup` writes it. */
  meta: Inside,
  size: z.number().int().nonnegative(),
  sha256: Sha256,
  config: z.object({ name: z.string() }).passthrough(),
  state: z.object({ messages: z.number(), bytes: z.number(), first_seq: z.number(), last_seq: z.number() }).passthrough(),
});
export type StreamEntry = z.infer<typeof StreamEntry>;

export const FileEntry = z.object({
  /** Where it lives in the data folder (and under `files/` in the backup). */
  path: Inside,
  size: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type FileEntry = z.infer<typeof FileEntry>;

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  startedAt: z.string(),
  finishedAt: z.string(),
  server: z.object({ version: z.string() }),
  /** Whether the folder holds seeds (`--include-secrets`). */
  includesSecrets: z.boolean(),
  streams: z.array(StreamEntry),
  /** Streams that could not be snapshotted (memory storage), with the reason. */
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  files: z.array(FileEntry),
  /** The data folder's secret folders that were left out. */
  excluded: z.array(z.string()),
});
export type Manifest = z.infer<typeof Manifest>;

/** Where a data-folder file is kept inside the backup. */
export const backupFilePath = (dir: string, path: string): string => join(dir, "files", path);

/**
 * Reads and checks `<dir>/manifest.json`.
 * @throws CliError (exit 2) when it is missing, not JSON, or not a manifest of this format.
 */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  const text = await readFile(path, "utf8").catch(() => {
    throw new CliError(`${dir} holds no ${MANIFEST_FILE}: is it a folder written by "schakel backup"?`, EXIT.usage);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not JSON: the backup is damaged`, EXIT.usage);
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`${path}: ${issue.path.join(".") || "(top)"}: ${issue.message} (expected a "${MANIFEST_FORMAT}" manifest)`, EXIT.usage);
  }
  return parsed.data;
}
