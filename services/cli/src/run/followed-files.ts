/**
 * `schakel run` follows the two files its deployment holds, so that key changes reach it without
 * a restart: the key directory (another organisation's rotation or revocation, a new
 * organisation) replaces the one in use, and its own credentials file (after `schakel identities
 * rotate <org>`) is taken up for the next message signed and the next connect. A file caught
 * half-written, or otherwise unusable, is reported with one line and ignored: what was in use
 * stays. Every line goes to stderr, naming the file.
 */
import { CredentialsFile, userNkeyOfSeed, type KeyDirectory, type OrgCredentials } from "@schakel/contracts/bus";
import { color, note } from "../output.ts";

/** How often the files' status is polled: a change is in use within about this time. */
export const FOLLOW_INTERVAL_MS = 500;

export interface FollowedFiles {
  /** The organisation's credentials as its file holds them now. */
  credentials: CredentialsFile;
  /** Stops following both files. */
  stop(): void;
}

/** Follows the directory file into `directory` and the credentials file into the returned source. */
export function followDeploymentFiles(own: {
  org: string; directory: KeyDirectory; directoryFile: string; credentials: OrgCredentials; credentialsFile: string;
}): FollowedFiles {
  const { org } = own;
  const unwatchDirectory = own.directory.watchFile(own.directoryFile,
    (err) => note(color.yellow(`${org}: the key directory ${own.directoryFile} changed but cannot be used (${causeOf(err)}): keeping the previous one until a complete file is in place`)),
    FOLLOW_INTERVAL_MS,
    (directory) => note(color.dim(`${org}: key directory ${own.directoryFile} taken up: ${directory.organisations.length} organisations`)));
  const credentials = CredentialsFile.follow(own.credentialsFile, own.credentials, {
    intervalMs: FOLLOW_INTERVAL_MS,
    onChange: (now) => note(color.dim(`${org}: new credentials in ${own.credentialsFile} taken up: signing with key ${userNkeyOfSeed(now.seed).slice(0, 12)}… from now on, and connecting with it`)),
    onError: (err) => note(color.yellow(`${org}: ${err.message}`)),
  });
  return {
    credentials,
    stop() {
      unwatchDirectory();
      credentials.stop();
    },
  };
}

/** The reason below a directory error: the parser's words for a half-written file, else the error's own. */
function causeOf(err: Error): string {
  return err.cause instanceof Error ? err.cause.message : err.message;
}
