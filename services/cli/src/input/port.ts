/** Port options of the commands that listen or connect (`--port`, `--health-port`). */
import { CliError, EXIT } from "../exit-codes.ts";

/** `--port N`: a TCP port, or 0 for a free one; undefined when not given. */
export function parsePort(text: string | undefined, option = "--port"): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new CliError(`${option} "${text}" is not a port number (1–65535, or 0 for a free one)`, EXIT.usage);
  return Number(text);
}
