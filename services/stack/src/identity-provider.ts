/**
 * The stack's development OpenID Provider (`@schakel/identity-provider`) on 127.0.0.1, on a
 * stable port (8481 unless told otherwise) because the console and `schakel login` find it by its
 * issuer; when that port is taken it says so and takes a free one. The console's redirect URI is
 * told to it once the console listens (its port may fall back too). The persons come from the
 * persons file, read again when the file changes, so `schakel persons disable` takes effect at the
 * next sign-in without a restart.
 */
import { statSync } from "node:fs";
import type { Person, Registry } from "@schakel/contracts";
import { DEFAULT_IDENTITY_PROVIDER_PORT, startIdentityProvider } from "@schakel/identity-provider";
import { loadPersons, personsPath } from "@schakel/infra";

export { DEFAULT_IDENTITY_PROVIDER_PORT };

export interface StackIdentityProvider {
  /** e.g. http://127.0.0.1:8481 */
  issuer: string;
  /** The console's client at this provider. */
  consoleClient: { clientId: string; clientSecret: string };
  /** The persons as read now (the console looks the signed-in person up in the same list). */
  persons(): readonly Person[];
  /** The console listens at `url` (e.g. http://127.0.0.1:8480/): its callback is `<url>auth/callback`. */
  consoleAt(url: string): void;
  stop(): Promise<void>;
}

/** The console's redirect URI for its URL (the route `/auth/callback` of its sign-in). */
export const consoleRedirectUri = (consoleUrl: string): string => new URL("auth/callback", consoleUrl).href;

/**
 * The persons file as a function: read now (throws PersonsFileError when invalid, so `up` stops
 * with the file's problems), then again whenever its modification time changes; a file broken
 * while running keeps the last good list and says why through `onNote`.
 */
export function watchedPersons(file: string | undefined, registry: Registry, onNote: (line: string) => void): () => readonly Person[] {
  const path = personsPath(file);
  const mtime = (): number => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return -1;
    }
  };
  let readAt = mtime();
  let persons = loadPersons(path, registry);
  return () => {
    const now = mtime();
    if (now === readAt) return persons;
    readAt = now;
    try {
      persons = loadPersons(path, registry);
    } catch (err) {
      onNote(`the persons file changed but is not valid; signing in with the earlier list until it is fixed:\n${(err as Error).message}`);
    }
    return persons;
  };
}

/**
 * Starts the provider on `port` (default 8481; 0: a free one; taken: a free one, said through
 * `onNote`). `demo`: its login page lists the demo persons to pick.
 */
export async function startStackIdentityProvider(opts: {
  persons: () => readonly Person[]; port?: number; demo?: boolean; onNote?: (line: string) => void;
}): Promise<StackIdentityProvider> {
  let redirectUris: string[] = [];
  const idp = await startIdentityProvider({
    persons: opts.persons,
    port: opts.port ?? DEFAULT_IDENTITY_PROVIDER_PORT,
    host: "127.0.0.1",
    demo: opts.demo === true,
    consoleRedirectUris: () => redirectUris,
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
  });
  return {
    issuer: idp.issuer,
    consoleClient: idp.consoleClient,
    persons: opts.persons,
    consoleAt: (url) => (redirectUris = [consoleRedirectUri(url)]),
    stop: () => idp.stop(),
  };
}
