/** Exit codes of every schakel command, for scripts. */
export const EXIT = {
  ok: 0,
  /** Something failed at run time (a broker error, a failed check). */
  failure: 1,
  /** Bad input: unknown organisation or audience, bad duration, missing option. Nothing was done. */
  usage: 2,
  /** The bus could not be reached. */
  unreachable: 3,
} as const;

/** An error that ends the command with a given exit code and one clear line. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
    this.name = "CliError";
  }
}
