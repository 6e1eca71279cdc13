/**
 * Secrets of server-to-server links. nats-server 2.9 authenticates cluster routes and leaf-node
 * links with a user and password only (nkeys are for clients), so each link gets a random
 * password: kept 0600 beside the identities, written in clear only where a server must present
 * it (route URLs, a leaf's remote URL) and as a bcrypt hash where a server checks it.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SchakelError } from "@schakel/contracts";
import { identitiesDir } from "../identities.ts";
import { writeWhole } from "../write-whole.ts";

export const LinkSecret = z.object({
  user: z.string().regex(/^[a-z][a-z0-9-]{1,60}$/),
  password: z.string().min(32),
  /** bcrypt hash of the password, for the accepting side's config. */
  hash: z.string().startsWith("$2"),
});
export type LinkSecret = z.infer<typeof LinkSecret>;

export const linkSecretPath = (dataDir: string, user: string): string => join(identitiesDir(dataDir), `${user}.link.json`);

/**
 * Returns the secret of link user `user`, creating it on first use. The same secret is kept
 * across runs, so regenerated configs stay valid for servers that are already running.
 *
 * @throws SchakelError `schema` when an existing file is not a valid link secret ({@link readLinkSecret}).
 */
export async function ensureLinkSecret(dataDir: string, user: string): Promise<LinkSecret> {
  const path = linkSecretPath(dataDir, user);
  if (existsSync(path)) return readLinkSecret(dataDir, user);
  await mkdir(identitiesDir(dataDir), { recursive: true, mode: 0o700 });
  // base64url: no characters that need escaping inside a URL's userinfo or a config string.
  const password = randomBytes(32).toString("base64url");
  // Loaded here, where a link is first made: no other process needs it.
  const { default: bcrypt } = await import("bcryptjs");
  const secret: LinkSecret = { user, password, hash: bcrypt.hashSync(password, 10) };
  await writeWhole(path, JSON.stringify(secret, null, 2) + "\n", 0o600);
  return secret;
}

/**
 * The secret of link user `user` as kept, never a new one: a rewritten config must keep every link
 * its servers already use.
 *
 * @throws SchakelError `not-found` naming the file when it is missing, `schema` when it is invalid.
 */
export async function readLinkSecret(dataDir: string, user: string): Promise<LinkSecret> {
  const path = linkSecretPath(dataDir, user);
  if (!existsSync(path)) {
    throw new SchakelError("not-found", `the link secret of "${user}" is not in ${identitiesDir(dataDir)}: run this with the data folder the hub's and leaves' configs were generated from (--data)`, { path });
  }
  const parsed = LinkSecret.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success) {
    throw new SchakelError("schema", `the link secret ${path} is invalid: restore it from the backup of the data folder, or delete it to have a new one made and render every server config using it again (until then the new one cuts the link)`, { path });
  }
  return parsed.data;
}
