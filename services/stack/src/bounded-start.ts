/**
 * Starting many things with at most `limit` under way at once. Hundreds of organisations that
 * all connect and bind their consumers at the same moment keep nats-server too busy to
 * authenticate them within its 2 s window; a few dozen at a time start faster in all. After the
 * first failure nothing new is started, and the starts under way are settled before the result
 * is returned, so the caller can stop every one that did start.
 */

/** What a bounded start ends with: every value started, in the order of the items, and the first failure. */
export interface BoundedStart<T, R> {
  started: { item: T; value: R }[];
  /** The first failure, if any; the items after it were not started. */
  failure?: { item: T; error: unknown };
}

export interface BoundedStartOptions {
  /** Starts under way at most (at least 1). */
  limit: number;
  /** Told after each start that succeeded: how many of `total` have. */
  onProgress?: (started: number, total: number) => void;
}

/** Starts `items` with `start`, at most `opts.limit` at once, stopping at the first failure. */
export async function startBounded<T, R>(items: readonly T[], start: (item: T) => Promise<R>, opts: BoundedStartOptions): Promise<BoundedStart<T, R>> {
  const values: ({ item: T; value: R } | undefined)[] = new Array(items.length);
  let failure: BoundedStart<T, R>["failure"];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const index = next++;
      const item = items[index]!;
      try {
        values[index] = { item, value: await start(item) };
        opts.onProgress?.(++done, items.length);
      } catch (error) {
        failure ??= { item, error };
      }
    }
  };
  const limit = Number.isFinite(opts.limit) ? Math.floor(opts.limit) : 1;
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { started: values.filter((v) => v !== undefined), ...(failure ? { failure } : {}) };
}
