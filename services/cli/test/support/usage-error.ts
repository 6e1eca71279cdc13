/** The usage error (exit 2, one line) that `fn` throws; fails the test when it throws nothing or something else. */
import { expect } from "vitest";
import { CliError } from "../../src/exit-codes.ts";

export function usageError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).not.toContain("\n");
    return err as CliError;
  }
  throw new Error("expected a usage error");
}

/** The message of the usage error `fn` throws. */
export function usageMessage(fn: () => unknown): string {
  return usageError(fn).message;
}
