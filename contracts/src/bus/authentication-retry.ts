/**
 * Trying a first connection again when the server was too busy to check the credentials in time
 * ("Authentication Timeout"): hundreds of organisations connecting at once to a server that is
 * still loading can miss its 2 s authentication window, and that says nothing about their
 * credentials. Such a failure is tried again after a pause that doubles (with jitter, so the
 * connections do not come back together); refused credentials and every other failure are
 * not retried here.
 */
import { authenticationTimedOut } from "./errors-map.ts";

/** How often, and after which first pause, an authentication timeout is tried again. */
export interface AuthenticationRetry {
  /** Attempts in all, the first included (default 6). */
  attempts: number;
  /** Pause before the second attempt; each next one doubles, up to 4 s (default 250 ms). */
  firstDelayMs: number;
}

/** One more attempt is about to be made after an authentication timeout. */
export interface AuthenticationRetryEvent {
  /** The attempt that timed out (1 = the first). */
  attempt: number;
  /** The pause before the next one. */
  delayMs: number;
}

export const DEFAULT_AUTHENTICATION_RETRY: AuthenticationRetry = { attempts: 6, firstDelayMs: 250 };
const MAX_DELAY_MS = 4_000;

/** The error of the last attempt, with how many attempts were made. */
export class AuthenticationRetriesExhausted extends Error {
  override name = "AuthenticationRetriesExhausted";
  constructor(readonly attempts: number, cause: unknown) {
    super(`authentication timed out ${attempts} times`, { cause });
  }
}

/**
 * Runs `attempt` until it succeeds, fails otherwise than by an authentication timeout (thrown as
 * it is), or has timed out `policy.attempts` times (thrown as {@link AuthenticationRetriesExhausted}).
 */
export async function withAuthenticationRetry<T>(
  attempt: () => Promise<T>,
  policy: AuthenticationRetry = DEFAULT_AUTHENTICATION_RETRY,
  onRetry?: (event: AuthenticationRetryEvent) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!authenticationTimedOut(err)) throw err;
      if (n >= policy.attempts) throw new AuthenticationRetriesExhausted(n, err);
      const base = Math.min(MAX_DELAY_MS, policy.firstDelayMs * 2 ** (n - 1));
      const delayMs = Math.round(base / 2 + Math.random() * (base / 2));
      onRetry?.({ attempt: n, delayMs });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
