/**
 * The one publishing driver every side uses: at most `window` sends in flight, a new one started
 * as each ack arrives. Using the same driver for raw, crypto limit and Schakel means the sides
 * differ only in what one send does.
 */

/** Runs `send(0..count-1)` with at most `window` unresolved at a time; rejects on the first failure. */
export function pipelined(count: number, window: number, send: (i: number) => Promise<unknown>): Promise<void> {
  if (count === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const onAck = (): void => {
      done++;
      if (done === count) resolve();
      else launch();
    };
    const onError = (err: unknown): void => {
      if (failed) return;
      failed = true;
      reject(err);
    };
    const launch = (): void => {
      while (!failed && next < count && next - done < window) {
        const i = next++;
        try {
          send(i).then(onAck, onError);
        } catch (err) {
          onError(err);
        }
      }
    };
    launch();
  });
}

/** Messages per second for `count` messages in `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return (count * 1000) / ms;
}
