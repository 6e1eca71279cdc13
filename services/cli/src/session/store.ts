/**
 * The command line's sign-in: `<data>/session.json`, written by `schakel login` and removed by
 * `schakel logout`, readable by its owner only (0600 in a 0700 folder) because it holds the
 * tokens. It names the person, the provider that signed them in, and until when the sign-in
 * holds; the tokens are kept so `logout` can revoke them at the provider.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PersonId } from "@schakel/contracts";
import { PRIVATE_FILE_MODE, privateDir } from "@schakel/infra";
import { z } from "zod";
import { CliError, EXIT } from "../exit-codes.ts";

export const CliSession = z.object({
  person: PersonId,
  /** The display name the provider gave (claim `name`). */
  name: z.string().optional(),
  issuer: z.string(),
  clientId: z.string(),
  accessToken: z.string(),
  idToken: z.string().optional(),
  refreshToken: z.string().optional(),
  signedInAt: z.iso.datetime({ offset: true }),
  /** When the access token, and with it the sign-in, ends. */
  expiresAt: z.iso.datetime({ offset: true }),
});
export type CliSession = z.infer<typeof CliSession>;

export const sessionPath = (dataDir: string): string => join(dataDir, "session.json");

/** The session, or undefined when nobody signed in. @throws CliError for a file that is not a session. */
export function readSession(dataDir: string): CliSession | undefined {
  const path = sessionPath(dataDir);
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(`${path} is not readable JSON (${(err as Error).message}): run "schakel logout" and "schakel login" again`, EXIT.failure);
  }
  const parsed = CliSession.safeParse(raw);
  if (!parsed.success) throw new CliError(`${path} is not a sign-in this release understands: run "schakel logout" and "schakel login" again`, EXIT.failure);
  return parsed.data;
}

/** Writes the session owner-only (a temporary file made 0600 before the tokens go in, then a rename). */
export function writeSession(dataDir: string, session: CliSession): void {
  privateDir(dataDir);
  const path = sessionPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, "", { mode: PRIVATE_FILE_MODE });
  chmodSync(temporary, PRIVATE_FILE_MODE);
  writeFileSync(temporary, JSON.stringify(session, null, 2) + "\n");
  renameSync(temporary, path);
}

export function removeSession(dataDir: string): void {
  rmSync(sessionPath(dataDir), { force: true });
}

/** True when the sign-in has ended at `now`. */
export const sessionExpired = (session: CliSession, now = Date.now()): boolean => Date.parse(session.expiresAt) <= now;
