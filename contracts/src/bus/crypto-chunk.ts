/**
 * What the crypto pool (crypto-pool.ts) and its workers (crypto-worker.ts) exchange: a chunk of
 * messages to verify, with state shared between the two threads, and the worker's answer.
 */

/** `workerData.role` of a pool worker: the worker entry serves only a thread started with it. */
export const CRYPTO_WORKER_ROLE = "schakel-crypto";

/** What each message of a chunk is at (`VerifyChunk.state`, shared with the event-loop thread). */
export const STATE = { open: 0, worker: 1, inline: 2, valid: 3, invalid: 4 } as const;

/** Characters of a public user nkey (`U…`), the length of a signing key's slot in `VerifyChunk.keys`. */
export const KEY_LENGTH = 56;

/**
 * One chunk to verify. `layout` holds 4 numbers per message: signed start, signed length, body
 * offset within it, signature start (-1 when the header did not hold 64 bytes: not verified).
 * `state` (shared) says per message who verifies it: the worker takes an open one (open → worker
 * → valid/invalid), the event-loop thread may take it first to verify it inline (open → inline).
 * `keys` (shared) receives the signing key the worker verified a message with.
 */
export interface VerifyChunk {
  id: number;
  bytes: ArrayBuffer;
  layout: Int32Array;
  state: Int32Array;
  keys: Uint8Array;
}

/** Sent when a chunk is done: how many of its messages this worker verified. */
export interface VerifiedChunk {
  id: number;
  verified: number;
}

