/**
 * Polling helpers. Tests against a real server must wait for asynchronous
 * state (ports files, elections, leaf links) instead of sleeping blindly, and
 * when the wait fails the message must say *what* never happened.
 */

/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Pause between attempts in milliseconds (default 50). */
  intervalMs?: number;
  /** Human description of the awaited condition, used in the timeout error. */
  what?: string;
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Call `predicate` until it returns a truthy value, then resolve with that
 * value. A predicate that throws counts as "not yet" (servers refuse
 * connections while starting); the last error is quoted if time runs out.
 *
 * @throws Error `timed out after <n> ms waiting for <what>` (+ last error).
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  opts: WaitOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const what = opts.what ?? "condition";
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, {
    cause: lastError,
  });
}
