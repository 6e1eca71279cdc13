/**
 * Per-person API tokens for the console's JSON API (`schakel persons token`): a script sends
 * `Authorization: Bearer schakel_<id>_<secret>` and acts as that person. The data folder keeps
 * only the SHA-256 of each secret (`api-tokens.json`, owner-only), so the file cannot be replayed;
 * the token text is shown once, when issued. A token is never deleted, only revoked, so the list
 * still says who had access when.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { PersonId, SchakelError } from "@schakel/contracts";
import { PRIVATE_FILE_MODE, privateDir } from "./private-files.ts";

export const ApiTokenEntry = z.object({
  id: z.string().regex(/^[a-z0-9]{8,32}$/),
  person: PersonId,
  createdAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  /** SHA-256 (hex) of the secret part. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  revokedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ApiTokenEntry = z.infer<typeof ApiTokenEntry>;

const ApiTokensFile = z.object({ tokens: z.array(ApiTokenEntry) });

/** Where the data folder keeps the API tokens. */
export const apiTokensPath = (dataDir: string): string => join(dataDir, "api-tokens.json");

/** A token's default and longest life. */
export const API_TOKEN_DEFAULT_DAYS = 30;
export const API_TOKEN_MAX_DAYS = 365;

const TOKEN = /^schakel_([a-z0-9]{8,32})_([A-Za-z0-9_-]{43})$/;
const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Reads the token list; a missing file is an empty list. @throws SchakelError("schema") naming the file. */
export function readApiTokens(file: string): ApiTokenEntry[] {
  if (!existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new SchakelError("schema", `the API token file ${file} is not JSON (${(cause as Error).message}): restore it, or move it away and issue the tokens again`, { file });
  }
  const parsed = ApiTokensFile.safeParse(raw);
  if (!parsed.success) throw new SchakelError("schema", `the API token file ${file} is invalid: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`, { file });
  return parsed.data.tokens;
}

/** Writes the list owner-only (0600 in a 0700 folder), through a temporary file so a reader never sees half of it. */
function writeApiTokens(file: string, tokens: ApiTokenEntry[]): void {
  privateDir(dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ tokens }, null, 2) + "\n", { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, file);
}

/** Issues a token for `person`; the returned `token` text is the only copy of the secret. */
export function issueApiToken(file: string, person: string, opts: { days?: number; now?: Date } = {}): { token: string; entry: ApiTokenEntry } {
  const days = opts.days ?? API_TOKEN_DEFAULT_DAYS;
  if (!Number.isFinite(days) || days <= 0 || days > API_TOKEN_MAX_DAYS) {
    throw new SchakelError("schema", `a token lives more than 0 and at most ${API_TOKEN_MAX_DAYS} days; got ${days} days: pass e.g. --expires 30d`, { days });
  }
  const now = opts.now ?? new Date();
  const id = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const entry: ApiTokenEntry = {
    id, person: PersonId.parse(person), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(), hash: sha256(secret),
  };
  writeApiTokens(file, [...readApiTokens(file), entry]);
  return { token: `schakel_${id}_${secret}`, entry };
}

/** Revokes token `id`. @throws SchakelError("not-found") when there is no such token. */
export function revokeApiToken(file: string, id: string, now = new Date()): ApiTokenEntry {
  const tokens = readApiTokens(file);
  const entry = tokens.find((t) => t.id === id);
  if (!entry) throw new SchakelError("not-found", `no API token "${id}": see the ids with "schakel persons token <person> --list"`, { id });
  if (!entry.revokedAt) entry.revokedAt = now.toISOString();
  writeApiTokens(file, tokens);
  return entry;
}

export type ApiTokenCheck =
  | { ok: true; entry: ApiTokenEntry }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" };

/** The list as last read, per file, with the file's identity then: read again only when the file changed. */
const lastRead = new Map<string, { stamp: string; tokens: ApiTokenEntry[] }>();

/** The token list of `file`, parsed once per version of the file (every console request asks). */
function currentApiTokens(file: string): ApiTokenEntry[] {
  let stamp = "absent";
  try {
    const st = statSync(file);
    stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    // A missing file is an empty list (readApiTokens).
  }
  const cached = lastRead.get(file);
  if (cached?.stamp === stamp) return cached.tokens;
  const tokens = readApiTokens(file);
  lastRead.set(file, { stamp, tokens });
  return tokens;
}

/** Checks a presented token against the file (looked at on each call, so a revocation takes effect at once). */
export function checkApiToken(file: string, token: string, now = Date.now()): ApiTokenCheck {
  const m = TOKEN.exec(token.trim());
  if (!m) return { ok: false, reason: "malformed" };
  const entry = currentApiTokens(file).find((t) => t.id === m[1]);
  if (!entry) return { ok: false, reason: "unknown" };
  const presented = Buffer.from(sha256(m[2]!), "hex");
  if (!timingSafeEqual(presented, Buffer.from(entry.hash, "hex"))) return { ok: false, reason: "unknown" };
  if (entry.revokedAt) return { ok: false, reason: "revoked" };
  if (Date.parse(entry.expiresAt) <= now) return { ok: false, reason: "expired" };
  return { ok: true, entry };
}
