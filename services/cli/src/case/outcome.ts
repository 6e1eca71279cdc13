/**
 * How the organisation package's case refusals end a command. A case or task that this
 * organisation does not know is "not found" (check the reference): exit 2, as an unknown notice or
 * trace is in every command. Membership, ownership and closed cases are already bad input
 * (`not-allowed`, exit 2) and pass unchanged, as does everything else.
 */
import { SchakelError } from "@schakel/contracts";
import { CliError, EXIT } from "../exit-codes.ts";

/** Runs `work`; a SchakelError("not-found") becomes exit 2 with its message. */
export async function caseWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof SchakelError && err.code === "not-found" && !err.retryable) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
}
