/**
 * Restoring a backup: every file the manifest names is checked against its sha256 before
 * anything is sent (a damaged backup restores nothing); a server that already holds a stream of
 * the backup is refused, naming the streams (a restore never merges into or replaces live data);
 * then each stream is restored from its archive and its restored state is compared with the
 * manifest. The data-folder files are put back only when asked, never over a different file.
 */
import { createReadStream, existsSync } from "node:fs";
import { chmod, copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { OperatorConnection } from "@schakel/contracts/bus";
import { CliError, EXIT } from "../exit-codes.ts";
import { backupFilePath, type Manifest, type StreamEntry } from "./manifest.ts";
import { secretFolderOf } from "./secret-folders.ts";
import { sha256Of } from "./take-backup.ts";

export interface RestoredSummary {
  name: string;
  messages: number;
  /** Messages of the backup the server dropped on restore: older than the stream's max_age. */
  agedOut: number;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  ms: number;
}

/**
 * Checks every archive and file of the backup against the manifest's size and sha256.
 * @throws CliError (exit 1) naming each damaged or missing file.
 */
export async function checkBackup(dir: string, manifest: Manifest): Promise<void> {
  const expected = [
    ...manifest.streams.map((s) => ({ path: join(dir, s.file), size: s.size, sha256: s.sha256 })),
    ...manifest.files.map((f) => ({ path: backupFilePath(dir, f.path), size: f.size, sha256: f.sha256 })),
  ];
  const bad: string[] = [];
  for (const e of expected) {
    const found = existsSync(e.path) ? await sha256Of(e.path) : undefined;
    if (!found) bad.push(`${e.path} is missing`);
    else if (found.sha256 !== e.sha256) bad.push(`${e.path} does not match its sha256 in the manifest (${found.size} bytes, expected ${e.size})`);
  }
  if (bad.length) throw new CliError(`the backup is damaged, nothing was restored: ${bad.join("; ")}`, EXIT.failure);
}

/**
 * Puts the backup's data-folder files into `dataDir`: missing ones are written (seeds 0600),
 * identical ones left as they are. @throws CliError (exit 2), before writing any, when one
 * exists with other content.
 */
export async function restoreFiles(dir: string, manifest: Manifest, dataDir: string): Promise<string[]> {
  const differ: string[] = [];
  for (const f of manifest.files) {
    const target = join(dataDir, f.path);
    if (existsSync(target) && (await sha256Of(target)).sha256 !== f.sha256) differ.push(target);
  }
  if (differ.length) throw new CliError(`the data folder already holds other versions of ${differ.join(", ")}: restore into a new data folder (--data DIR), or move them away first`, EXIT.usage);
  const written: string[] = [];
  for (const f of manifest.files) {
    const target = join(dataDir, f.path);
    if (existsSync(target)) continue;
    const secret = secretFolderOf(f.path) !== undefined;
    await mkdir(dirname(target), { recursive: true, ...(secret ? { mode: 0o700 } : {}) });
    await copyFile(backupFilePath(dir, f.path), target);
    if (secret) await chmod(target, 0o600);
    written.push(f.path);
  }
  return written;
}

/** Refuses (exit 2) a server that holds any stream of the backup, naming them. */
export async function refuseExisting(op: OperatorConnection, manifest: Manifest): Promise<void> {
  const present = new Set((await op.streams()).map((s) => s.name));
  const clash = manifest.streams.filter((s) => present.has(s.name)).map((s) => s.name);
  if (clash.length) {
    throw new CliError(`the server already holds ${clash.join(", ")}: restore into an empty server (a restore never overwrites a stream); nothing was restored`, EXIT.usage);
  }
}

/**
 * Whether the server holds what the backup held: the same last sequence, and the same messages —
 * except, in a stream with a max_age, the oldest ones, which the server drops on restore when
 * their original storage time is past it (it ages restored messages by when they were first
 * stored, not by the restore). An empty stream's first sequence is 0 before a restore when it
 * never held a message and last+1 after it, so only a kept message fixes it.
 */
function restoredAsBackedUp(s: StreamEntry, got: StreamEntry["state"]): boolean {
  if (got.last_seq !== s.state.last_seq) return false;
  if (got.messages === s.state.messages) return got.messages === 0 || got.first_seq === s.state.first_seq;
  const maxAge = Number(s.config.max_age ?? 0);
  return maxAge > 0 && got.messages < s.state.messages && (got.messages === 0 || got.first_seq > s.state.first_seq);
}

/**
 * Restores one stream and checks that the server holds what the manifest says; with `keepAged`
 * without its max_age, so an old backup can be read in full on a throw-away server.
 * @throws CliError (exit 1) when the server holds something else.
 */
export async function restoreStream(op: OperatorConnection, dir: string, s: StreamEntry, how: { keepAged?: boolean; onBytes?: (bytes: number) => void } = {}): Promise<RestoredSummary> {
  const started = performance.now();
  // The config sent is the restored stream's identity: without max_age nothing ages out on restore.
  const config = how.keepAged ? { ...s.config, max_age: 0 } : s.config;
  const restored = await op.restore({ config, state: s.state }, createReadStream(join(dir, s.file)), { ...(how.onBytes ? { onProgress: how.onBytes } : {}) });
  const got = restored.state;
  const agedOut = s.state.messages - got.messages;
  if (!restoredAsBackedUp(s, got)) {
    throw new CliError(`${s.name} was restored with ${got.messages} messages (seq ${got.first_seq}–${got.last_seq}), the backup holds ${s.state.messages} (seq ${s.state.first_seq}–${s.state.last_seq})`, EXIT.failure);
  }
  return { name: s.name, messages: got.messages, agedOut, firstSeq: got.first_seq, lastSeq: got.last_seq, bytes: restored.bytes, ms: Math.round(performance.now() - started) };
}
