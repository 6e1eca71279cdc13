/**
 * The stable ports of `schakel up`: the console's (`--console-port`, else SCHAKEL_CONSOLE_PORT,
 * else 8480) and the identity provider's (`--idp-port`, else SCHAKEL_IDP_PORT, else 8481) — the
 * same ports on every start, so an open browser tab and a signed-in command line keep working
 * across restarts. A taken port is reported and replaced by a free one (@schakel/stack).
 */
import { CliError, EXIT } from "../exit-codes.ts";

/** The option, else the environment variable: a port, or 0 for a free one; undefined for the default. */
function stablePortOf(option: string | undefined, flag: string, env: string | undefined, variable: string): number | undefined {
  const [text, source] = option !== undefined ? [option, flag] : [env, variable];
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new CliError(`${source} "${text}" is not a port number (1–65535, or 0 for a free one)`, EXIT.usage);
  return Number(text);
}

/** `--console-port N` or SCHAKEL_CONSOLE_PORT: a port, or 0 for a free one; undefined for the default. */
export function consolePortOf(opts: { consolePort?: string }, env: NodeJS.ProcessEnv = process.env): number | undefined {
  return stablePortOf(opts.consolePort, "--console-port", env.SCHAKEL_CONSOLE_PORT, "SCHAKEL_CONSOLE_PORT");
}

/** `--idp-port N` or SCHAKEL_IDP_PORT: a port, or 0 for a free one; undefined for the default. */
export function identityProviderPortOf(opts: { idpPort?: string }, env: NodeJS.ProcessEnv = process.env): number | undefined {
  return stablePortOf(opts.idpPort, "--idp-port", env.SCHAKEL_IDP_PORT, "SCHAKEL_IDP_PORT");
}
