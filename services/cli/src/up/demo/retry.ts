/**
 * Waiting in the demo: a pause that ends early when the demo is stopped, and retrying a step until
 * the service it relies on has recorded what came before (a receipt, a queued signal).
 */

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Runs `attempt` every 200 ms until `done` holds for its result, `timeoutMs` has passed or
 * `signal` aborts; resolves with the last result (the caller tells "not yet" from it).
 */
export async function retryUntil<T>(attempt: () => Promise<T>, done: (result: T) => boolean, signal: AbortSignal, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await attempt();
    if (done(r) || Date.now() > deadline || signal.aborted) return r;
    await pause(200, signal);
  }
}
