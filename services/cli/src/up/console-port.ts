/**
 * The console's port for `schakel up`: `--console-port`, else SCHAKEL_CONSOLE_PORT, else the
 * stack's stable default (8480): the same port on every start, so an open browser tab keeps
 * working across restarts. A taken port is reported and replaced by a free one (@schakel/stack).
 */
import { CliError, EXIT } from "../exit-codes.ts";

/** `--console-port N` or SCHAKEL_CONSOLE_PORT: a port, or 0 for a free one; undefined for the default. */
export function consolePortOf(opts: { consolePort?: string }, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const [text, source] = opts.consolePort !== undefined ? [opts.consolePort, "--console-port"] : [env.SCHAKEL_CONSOLE_PORT, "SCHAKEL_CONSOLE_PORT"];
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new CliError(`${source} "${text}" is not a port number (1–65535, or 0 for a free one)`, EXIT.usage);
  return Number(text);
}
