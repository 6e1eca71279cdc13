/**
 * Who re-drove which dead letter: one JSON line per re-driven dead letter in
 * `<data>/deadletter/redrives.jsonl`, owner-only (0600 in a 0700 folder, as the data folder's
 * other records of who did what). The person is the one signed in with `schakel login`, or
 * "operator" when nobody is: the admin credentials of the data folder acted.
 */
import { appendFileSync, chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { privateDir, PRIVATE_FILE_MODE } from "@schakel/infra";
import { dataDirOf, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { cliPersons, signedInPerson } from "../session/acting-person.ts";
import { readSession, sessionExpired } from "../session/store.ts";

/** One re-drive: who, when, which dead letter, and where the copy went. */
export interface RedriveEntry {
  at: string;
  /** The signed-in person's id, or "operator". */
  person: string;
  /** The dead letter's sequence in DEADLETTER. */
  seq: number;
  /** The original's live subject and envelope id. */
  subject: string;
  messageId: string;
  /** Why it had been refused, and by whom. */
  reason: string;
  organisation: string;
  /** Where the copy was stored. */
  stream: string;
  storedSeq: number;
}

export const redriveLogPath = (dataDir: string): string => join(dataDir, "deadletter", "redrives.jsonl");

/**
 * Who re-drives: the signed-in person as the persons file has them now, else "operator".
 * @throws CliError when the sign-in ended (exit 1) or the person is gone or disabled (exit 2).
 */
export function redrivingPerson(opts: GlobalOptions): string {
  const session = readSession(dataDirOf(opts));
  if (!session) return "operator";
  if (sessionExpired(session)) {
    throw new CliError(`your sign-in as ${session.person} ended at ${session.expiresAt}: run "schakel login" again (or "schakel logout" to re-drive as the operator)`, EXIT.failure);
  }
  return signedInPerson(session, cliPersons(opts)).id;
}

/** Appends `entry` to the data folder's re-drive log (created owner-only). */
export function appendRedrive(dataDir: string, entry: RedriveEntry): void {
  const file = redriveLogPath(dataDir);
  privateDir(join(dataDir, "deadletter"));
  appendFileSync(file, JSON.stringify(entry) + "\n", { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Every entry of the re-drive log, oldest first ([] when there is none). */
export function readRedrives(dataDir: string): RedriveEntry[] {
  let text: string;
  try {
    text = readFileSync(redriveLogPath(dataDir), "utf8");
  } catch {
    return [];
  }
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as RedriveEntry);
}
