/**
 * What a backup never takes from the data folder without being asked: the folders that hold
 * secrets. A backup copies named files only (the key directory, the registry, the audit log),
 * and every path it copies is checked against this list as well, so a file placed in a secret
 * folder can never slip in. The per-case keys that erasure destroys must never be copied at all —
 * a backup that kept them would undo the erasure —: their folder is on this list with
 * `withIncludeSecrets: false`.
 */
export interface SecretFolder {
  /** The folder, relative to the data folder. */
  folder: string;
  /** What it holds, for the help text and the warnings. */
  holds: string;
  /** Whether `--include-secrets` copies it (false: never copied). */
  withIncludeSecrets: boolean;
}

export const SECRET_FOLDERS: readonly SecretFolder[] = [
  { folder: "identities", holds: "the organisations' and operators' seeds", withIncludeSecrets: true },
  { folder: "case-keys", holds: "the per-case keys: erasing a case destroys its key", withIncludeSecrets: false },
];

/** The secret folder that `relative` (a path inside the data folder) lies in, if any. */
export function secretFolderOf(relative: string): SecretFolder | undefined {
  const parts = relative.split(/[\\/]/);
  return SECRET_FOLDERS.find((s) => s.folder.split("/").every((p, i) => parts[i] === p));
}

/** Whether a backup may copy `relative`: outside every secret folder, or in one `--include-secrets` opens. */
export function mayCopy(relative: string, includeSecrets: boolean): boolean {
  const secret = secretFolderOf(relative);
  return !secret || (includeSecrets && secret.withIncludeSecrets);
}
