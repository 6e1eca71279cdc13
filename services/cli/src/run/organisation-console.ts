/**
 * `schakel run --console`: an organisation's own console. It holds only that organisation's
 * credentials, reads the bus as that organisation, and signs in only its people: through the
 * organisation's own OpenID provider (`--issuer`, `--client-id`, the secret in
 * SCHAKEL_CLIENT_SECRET or `--client-secret-file`, `--person-claim`), or, without `--issuer`, through
 * the development provider started for it with the organisation's persons from the persons file.
 */
import { readFile } from "node:fs/promises";
import type { Person, Registry } from "@schakel/contracts";
import type { CredentialsSource, KeyDirectory } from "@schakel/contracts/bus";
import { startStackConsole, startStackIdentityProvider, watchedPersons, type RunningConsole } from "@schakel/stack";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, note } from "../output.ts";
import { consolePortOf, identityProviderPortOf } from "../up/console-port.ts";

export interface OrganisationConsoleOptions {
  consolePort?: string;
  idpPort?: string;
  issuer?: string;
  clientId?: string;
  clientSecretFile?: string;
  personClaim?: string;
  persons?: string;
}

export interface OrganisationConsole {
  url: string;
  /** The provider persons sign in through. */
  issuer: string;
  /** Whether that is the development provider started here. */
  development: boolean;
  readiness: RunningConsole["readiness"];
  stop(): Promise<void>;
}

/** The client secret of a real provider: SCHAKEL_CLIENT_SECRET, else the first line of the file. */
async function clientSecretOf(opts: OrganisationConsoleOptions): Promise<string | undefined> {
  if (process.env.SCHAKEL_CLIENT_SECRET) return process.env.SCHAKEL_CLIENT_SECRET;
  if (!opts.clientSecretFile) return undefined;
  const text = await readFile(opts.clientSecretFile, "utf8").catch((err: Error) => {
    throw new CliError(`--client-secret-file ${opts.clientSecretFile}: ${err.message}`, EXIT.usage);
  });
  return text.split("\n")[0]!.trim() || undefined;
}

/** Starts the organisation's console (and the development provider when no issuer is given). */
export async function startOrganisationConsole(
  own: { org: string; credentials: CredentialsSource; directory: KeyDirectory; servers: string[]; dataDir: string },
  opts: OrganisationConsoleOptions,
): Promise<OrganisationConsole> {
  const port = consolePortOf(opts);
  const registry: Registry = { organisations: own.directory.organisations };
  const everyone = watchedPersons(opts.persons, registry, (line) => note(color.yellow(`persons: ${line}`)));
  const persons = (): readonly Person[] => everyone().filter((p) => p.organisation === own.org);
  if (persons().length === 0) note(color.yellow(`the persons file lists nobody of ${own.org}: nobody can sign in to its console (add people with "schakel persons add")`));
  const onNote = (line: string): void => note(color.dim(`console: ${line}`));
  // Its credentials file is followed: after the organisation's own rotation the console reconnects and signs with the new key.
  const organisation = { org: own.org, credentials: own.credentials, directory: own.directory };

  if (opts.issuer) {
    if (!opts.clientId) throw new CliError(`--issuer needs --client-id: the client id the provider registered for this console`, EXIT.usage);
    const clientSecret = await clientSecretOf(opts);
    const console = await startStackConsole({
      dataDir: own.dataDir, url: own.servers, onNote, organisation, ...(port !== undefined ? { port } : {}),
      signIn: { issuer: opts.issuer, clientId: opts.clientId, ...(clientSecret ? { clientSecret } : {}), ...(opts.personClaim ? { personClaim: opts.personClaim } : {}), persons },
    });
    return { url: console.url, issuer: opts.issuer, development: false, readiness: console.readiness, stop: console.stop };
  }

  const idpPort = identityProviderPortOf(opts);
  const idp = await startStackIdentityProvider({ persons, ...(idpPort !== undefined ? { port: idpPort } : {}), onNote: (line) => note(color.dim(`sign-in: ${line}`)) });
  try {
    const console = await startStackConsole({
      dataDir: own.dataDir, url: own.servers, onNote, organisation, ...(port !== undefined ? { port } : {}),
      signIn: { issuer: idp.issuer, ...idp.consoleClient, persons },
    });
    idp.consoleAt(console.url);
    return {
      url: console.url, issuer: idp.issuer, development: true, readiness: console.readiness,
      stop: async () => {
        await console.stop();
        await idp.stop();
      },
    };
  } catch (err) {
    await idp.stop();
    throw err;
  }
}
