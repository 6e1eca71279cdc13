/**
 * Verifying ahead of a reader that handles messages one at a time, in order: while the reader is
 * busy with one message, the messages already pulled behind it are sent to the crypto pool's
 * workers in chunks (crypto-pool.ts), and each comes out, in the order it was delivered, with its
 * worker outcome attached. Only a backlog is sent: while no more than `inlineUpTo` messages wait,
 * they are verified inline (a thread hop would only add latency to a lone message), and so is any
 * message no worker was free for. Handlers still run one after another in stream order; only
 * the signature checks overlap with them.
 *
 * Read-ahead is bounded (`maxAhead` messages taken from the source and not yet handed on): past
 * it the source is not read, so the pull consumer's own flow control applies as before.
 */
import { checkWith, leaseCryptoPool, type CryptoPoolLease, type PreVerified, type SignatureCheck, type SignedMessage, type VerifyTicket } from "./crypto-pool.ts";

export interface VerifyAheadOptions<T> {
  lease: CryptoPoolLease;
  /** What a worker should verify of `item`, or undefined to leave it to the inline path. */
  signedOf(item: T): SignedMessage | undefined;
  /** Messages waiting behind the current one before the pool is used (default 2). */
  inlineUpTo?: number;
  /** Messages per chunk sent to a worker at most (default 32). */
  chunk?: number;
  /**
   * Messages that must wait undecided before a chunk leaves at once (default 8); fewer leave at the
   * end of the event loop's turn. Messages arrive in bursts of 20–40 per socket read, and a reader
   * working through a burst in microtasks does not let the loop turn before it has handled them:
   * waiting for a whole chunk kept most of a burst inline.
   */
  minChunk?: number;
  /** Messages read ahead at most (default 64; each waits within its ack wait). */
  maxAhead?: number;
  /**
   * The source holds what it reads in memory and is read as fast as it goes (a stored range, not a
   * live consumer): before handing on a message while no more than `inlineUpTo` wait, the reader
   * lets the event loop turn once. Otherwise source and reader take turns one message each (every
   * step of an async generator is a microtask), the backlog never forms and every signature is
   * verified inline.
   */
  readAhead?: boolean;
  /**
   * Ends the source (its pulls) when the reader stops early or fails; reading then waits for the
   * source to end. Without it, a source still waiting for its next item is left to end on its own.
   */
  stopSource?(): void;
}

interface Waiting<T> {
  item: T;
  /** Set once the message was handed to a worker. */
  ticket?: VerifyTicket;
}

/**
 * Yields every item of `source` in order with its worker outcome (undefined: verify inline).
 * Returning early (a `break` in the reader's loop) stops reading the source.
 */
export async function* verifyAhead<T>(source: AsyncIterable<T>, opts: VerifyAheadOptions<T>): AsyncGenerator<{ item: T; pre: PreVerified | undefined }> {
  const inlineUpTo = opts.inlineUpTo ?? 2;
  const chunk = opts.chunk ?? 32;
  const minChunk = Math.min(chunk, opts.minChunk ?? 8);
  const maxAhead = opts.maxAhead ?? 64;
  const queue: Waiting<T>[] = [];
  /** Index in `queue` of the first message not sent to a worker (or kept inline) yet. */
  let undecided = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let finished = false;
  let wakeReader: (() => void) | undefined;
  let wakePump: (() => void) | undefined;

  let flushing: NodeJS.Immediate | undefined;
  /**
   * Sends what waits behind the head in chunks while a worker is free; the head stays inline.
   * A chunk leaves as soon as `minChunk` messages wait undecided (up to `chunk` at once); fewer
   * leave at the end of the event loop's turn (`partial`).
   */
  const dispatch = (partial = false): void => {
    undecided = Math.max(undecided, 1);
    if (!partial && queue.length - undecided < minChunk) {
      if (queue.length - undecided > 0) flushing ??= setImmediate(() => ((flushing = undefined), dispatch(true)));
      return;
    }
    while (queue.length - undecided > 0 && queue.length - 1 > inlineUpTo) {
      const take = queue.slice(undecided, undecided + chunk);
      const signed: SignedMessage[] = [];
      const at: Waiting<T>[] = [];
      for (const w of take) {
        const s = opts.signedOf(w.item);
        if (s) (signed.push(s), at.push(w));
      }
      if (signed.length > 0) {
        const tickets = opts.lease.verify(signed);
        if (!tickets) return; // no worker free: try again when the next message arrives or one is handed on
        at.forEach((w, i) => (w.ticket = tickets[i]));
      }
      undecided += take.length;
    }
  };

  const pump = (async () => {
    try {
      for await (const item of source) {
        if (finished) break;
        queue.push({ item });
        dispatch();
        wakeReader?.();
        while (queue.length >= maxAhead && !finished) await new Promise<void>((r) => (wakePump = r));
        if (finished) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      wakeReader?.();
    }
  })();

  try {
    for (;;) {
      if (queue.length === 0) {
        if (ended) break;
        await new Promise<void>((r) => (wakeReader = r));
        wakeReader = undefined;
        continue;
      }
      if (opts.readAhead && !ended && queue.length <= inlineUpTo + 1) {
        // The source fills the queue from what it has in memory meanwhile; dispatch sends the backlog to the workers.
        await new Promise<void>((r) => setImmediate(r));
      }
      const head = queue.shift()!;
      undecided = Math.max(0, undecided - 1);
      if (wakePump && queue.length < maxAhead) {
        const w = wakePump;
        wakePump = undefined;
        w();
      }
      dispatch();
      yield { item: head.item, pre: head.ticket?.take() };
    }
    if (failure) throw failure.error;
  } finally {
    finished = true;
    if (flushing) clearImmediate(flushing);
    wakePump?.();
    if (!ended && opts.stopSource) {
      opts.stopSource();
      await pump;
    }
  }
}

/**
 * For readers outside a consumption (a replay into a handler module): yields every item of
 * `source` in order with the signature check to pass to `decodeMessage` (`checkSignature`; absent
 * when the message is to be verified inline). Holds a lease on the crypto pool while it runs;
 * with the pool off it hands the items on as they come. The source is a stored range: read ahead
 * up to 256 messages, handed to the workers 32 to 64 at a time (measured with
 * `bench/src/profile/replay.ts`: chunks of 8 and a read-ahead of 64 left a replay at 6 300 msg/s,
 * these at 7 800–8 200).
 */
export async function* signaturesAhead<T>(source: AsyncIterable<T>, signedOf: (item: T) => SignedMessage | undefined): AsyncGenerator<{ item: T; checkSignature?: SignatureCheck }> {
  const lease = leaseCryptoPool();
  if (!lease) {
    for await (const item of source) yield { item };
    return;
  }
  try {
    for await (const { item, pre } of verifyAhead(source, { lease, signedOf, readAhead: true, maxAhead: 256, chunk: 64, minChunk: 32 })) {
      const checkSignature = checkWith(pre);
      yield checkSignature ? { item, checkSignature } : { item };
    }
  } finally {
    lease.release();
  }
}
