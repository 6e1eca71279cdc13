/** Exit codes of every schakel command, for scripts, and the one mapping from errors to them. */
import { SchakelError, type ErrorCode } from "@schakel/contracts";

export const EXIT = {
  ok: 0,
  /** Something failed at run time (a broker error, a limit, refused credentials, a failed check). */
  failure: 1,
  /** Bad input: unknown organisation or audience, bad duration, missing option. Nothing was done. */
  usage: 2,
  /** The bus could not be reached (and waiting for it might have helped). */
  unreachable: 3,
} as const;

/** An error that ends the command with a given exit code and one clear line. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
    this.name = "CliError";
  }
}

/** Codes that mean the command's input was wrong: fix it and run again (exit 2). */
const BAD_INPUT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "schema", "unknown-type", "subject", "unknown-organisation", "unknown-audience", "not-allowed", "payload-too-large",
]);

/**
 * The exit code of a command that ended with `err`: 2 for bad input, 3 for a bus that could not
 * be reached (only when trying again later may help), 1 for everything else — refused
 * credentials and JetStream limits included, which waiting does not change.
 */
export function exitCodeFor(err: SchakelError): number {
  if (BAD_INPUT.has(err.code)) return EXIT.usage;
  if (err.code === "unreachable" && err.retryable) return EXIT.unreachable;
  return EXIT.failure;
}
