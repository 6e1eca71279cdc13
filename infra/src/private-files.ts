/**
 * Files and folders of the data folder that hold titles, case references, keys or the record of
 * who did what: readable by their owner only (folders 0700, files 0600). Modes are set when they
 * are created and set again when they already exist, so a data folder made by an earlier release
 * (0755 folders, 0644 logs) is tightened on the next start.
 */
import { chmodSync, closeSync, createWriteStream, mkdirSync, openSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and its parents) if needed and makes it owner-only. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** An owner-only log file in an owner-only folder, opened for appending. */
export function privateAppendStream(file: string): WriteStream {
  privateDir(dirname(file));
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
  return createWriteStream(file, { flags: "a" });
}
