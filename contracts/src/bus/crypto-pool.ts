/**
 * A small pool of worker threads that verifies signatures of a backlog off the event-loop thread
 * (crypto-worker.ts), so that a reader uses a second core for what dominates its CPU: one ed25519
 * verify is 80–100 µs, everything else the decode path does about 15 µs.
 *
 * One pool per process, shared by every reader: a Bus takes a lease (`leaseCryptoPool`) at its
 * first verified reading and gives it back when its connection closes (a replay for its run); the
 * workers start at the first backlog and end a second after the last lease is given back. Workers
 * hold the process open only while they have work. A worker that is not ready yet, busy, or gone never delays
 * anything: the reader verifies inline instead.
 *
 * Work is shared, not waited for: a chunk's messages are verified by the worker last to first
 * while the reader takes them first to last (shared state per message, crypto-chunk.ts); a
 * message the worker has not finished when the reader needs it is verified by the reader. So a
 * worker that the machine starves only means more inline work, never a stall.
 *
 * What a worker answers is a hint the event-loop thread checks: the key it used (named by the
 * envelope) and the outcome over the exact signed bytes. `checkWith` uses that outcome only when
 * the decode path verifies that very message (same subject, same body bytes, same header) with
 * that very key (the one the directory accepted); otherwise it verifies inline as before.
 *
 * `SCHAKEL_CRYPTO_WORKERS` sets the number of workers (0 turns the pool off); the default is one
 * less than the machine's cores, at most 4, so a one-core machine verifies inline.
 */
import type { KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { SchakelError } from "../errors.ts";
import { signingBytes, verifySignature } from "./signature.ts";
import { CRYPTO_WORKER_ROLE, KEY_LENGTH, STATE, type VerifiedChunk, type VerifyChunk } from "./crypto-chunk.ts";

/** The environment variable that sets the number of workers. */
export const CRYPTO_WORKERS_VARIABLE = "SCHAKEL_CRYPTO_WORKERS";

/** Chunks in flight per worker at most (the reader takes from their front what the worker has not reached); a reader's read-ahead (64) in chunks of 8. */
const IN_FLIGHT = 8;

/**
 * Workers `SCHAKEL_CRYPTO_WORKERS` asks for, or the default (cores − 1, at most 4).
 * @throws SchakelError("schema") naming the variable and its value when it is not a whole number from 0 to 64.
 */
export function cryptoWorkersFrom(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[CRYPTO_WORKERS_VARIABLE];
  if (text === undefined || text.trim() === "") return Math.min(4, Math.max(0, availableParallelism() - 1));
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new SchakelError("schema", `${CRYPTO_WORKERS_VARIABLE} "${text.slice(0, 40)}" is not a number of crypto workers: give a whole number from 0 (verify on the event-loop thread) to 64, or unset it for the default (cores − 1)`, { variable: CRYPTO_WORKERS_VARIABLE, value: text.slice(0, 40) });
  }
  return n;
}

/** One message to verify ahead: what the decode path will verify, exactly. */
export interface SignedMessage {
  /** The subject the message was signed for (the live subject of a replayed copy). */
  subject: string;
  body: Uint8Array;
  /** The `Schakel-Signature` header as received. */
  header: string;
}

/** A worker's outcome for one message, and what it was computed over. */
export interface PreVerified extends SignedMessage {
  /** The envelope's signing key the worker verified with ("" when the body names none). */
  signingKey: string;
  ok: boolean;
}

/** How the decode path checks a signature (decode.ts): the worker's outcome when it applies, else inline. */
export type SignatureCheck = (signingKey: string, key: KeyObject, subject: string, body: Uint8Array, header: string) => boolean;

/** The check that uses `pre` only for the message and key it was computed for. */
export function checkWith(pre: PreVerified | undefined): SignatureCheck | undefined {
  if (!pre) return undefined;
  return (signingKey, key, subject, body, header) =>
    pre.signingKey === signingKey && pre.subject === subject && pre.header === header && sameBytes(pre.body, body)
      ? pre.ok
      : verifySignature(key, subject, body, header);
}

/** Equal bytes (nats.js hands out a new view of a message's body on every read of it). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b));
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  /** Chunks sent and not done, with their shared state (woken when the worker goes). */
  inFlight: Map<number, Int32Array>;
}

/** What the pool did, for tests and the benchmark. */
export interface CryptoPoolStats {
  /** Workers of the pool now (0 when no reader holds a lease). */
  workers: number;
  /** Of those, ready to verify (a worker loads its code first). */
  ready: number;
  /** Worker threads alive in the process (a closed pool's end when they have exited). */
  running: number;
  /** Readers holding a lease. */
  leases: number;
  /** Messages whose signature a worker verified and a reader used, since the process started. */
  verified: number;
  /** Messages handed to a worker, since the process started (the rest of a backlog was never handed). */
  handed: number;
  /** Chunks handed to a worker, since the process started (`handed / chunks`: their mean size). */
  chunks: number;
  /** Handed messages the reader reached before the worker started on them (verified inline). */
  readerFirst: number;
  /** Handed messages the reader reached while the worker was on them (verified inline: the two met there). */
  met: number;
}

const stats = { verified: 0, running: 0, handed: 0, chunks: 0, readerFirst: 0, met: 0 };

/** A message handed to the pool: `take()` when its turn comes gives the worker's outcome, or undefined to verify it inline. */
export interface VerifyTicket {
  take(): PreVerified | undefined;
}

/** The file a worker runs, and how: compiled JS runs as is; TypeScript through tsx's loader. */
function workerEntry(): URL {
  const own = import.meta.url;
  if (!/\.ts$/.test(new URL(own).pathname)) return new URL("./crypto-worker.js", own);
  const entry = new URL("./crypto-worker.ts", own).href;
  let api: string;
  try {
    // tsx's ESM API (the require condition names its CommonJS build; its ESM twin sits beside it).
    api = new URL(createRequire(own).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs"), "file://").href;
  } catch (cause) {
    throw new SchakelError("failed", `the crypto workers run ${entry} (TypeScript) and need tsx to load it: install tsx, run the compiled JavaScript, or set ${CRYPTO_WORKERS_VARIABLE}=0`, {}, { cause });
  }
  const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

class CryptoPool {
  readonly #workers: PoolWorker[] = [];
  #next = 0;
  #closed = false;

  readonly #planned: number;
  #started = false;

  /** Plans `size` workers; they start at the first backlog (`verify`), so a reader that never has one never starts a thread. */
  constructor(size: number) {
    this.#planned = size;
  }

  get size(): number {
    return this.#started ? this.#workers.length : this.#planned;
  }

  get ready(): number {
    return this.#workers.filter((w) => w.ready).length;
  }

  #start(entry: URL): void {
    const worker = new Worker(entry, { name: "schakel-crypto", workerData: { role: CRYPTO_WORKER_ROLE }, stdout: false, stderr: false });
    const w: PoolWorker = { worker, ready: false, inFlight: new Map() };
    worker.unref();
    stats.running++;
    worker.once("exit", () => stats.running--);
    worker.on("message", (m: VerifiedChunk | { ready: true }) => {
      if ("ready" in m) return void (w.ready = true);
      if (!w.inFlight.delete(m.id)) return;
      if (w.inFlight.size === 0) worker.unref();
    });
    // A worker that fails or exits leaves the pool; what it did not finish is verified inline.
    const gone = (): void => {
      w.ready = false;
      const at = this.#workers.indexOf(w);
      if (at >= 0) this.#workers.splice(at, 1);
      w.inFlight.clear();
    };
    worker.on("error", (err) => {
      gone();
      process.emitWarning(`a crypto worker failed, its signatures are verified on the event-loop thread: ${err?.message ?? err}`, { code: "SCHAKEL_CRYPTO_WORKERS" });
    });
    worker.on("exit", gone);
    this.#workers.push(w);
  }

  /**
   * Hands `items` to a worker: one ticket per item. Undefined at once when no worker is ready
   * and free: verify inline then.
   */
  verify(items: SignedMessage[]): VerifyTicket[] | undefined {
    if (this.#closed || items.length === 0) return undefined;
    if (!this.#started) {
      this.#started = true;
      try {
        const entry = workerEntry();
        for (let i = 0; i < this.#planned; i++) this.#start(entry);
      } catch (err) {
        // No worker can start here (no compiled worker, no tsx): verify inline from now on, and say why once.
        this.#closed = true;
        process.emitWarning(`crypto workers could not start, signatures are verified on the event-loop thread: ${(err as Error)?.message ?? err}`, { code: "SCHAKEL_CRYPTO_WORKERS" });
      }
      return undefined; // loading their code takes a moment: this backlog is verified inline
    }
    let w: PoolWorker | undefined;
    let least = Infinity;
    for (const c of this.#workers) {
      if (!c.ready) continue;
      const busy = unsettled(c);
      if (busy < IN_FLIGHT && busy < least) (w = c), (least = busy);
    }
    if (!w) return undefined;
    const chunk = pack(++this.#next, items);
    if (w.inFlight.size === 0) w.worker.ref();
    w.inFlight.set(chunk.id, chunk.state);
    w.worker.postMessage(chunk, [chunk.bytes]);
    stats.handed += items.length;
    stats.chunks++;
    return items.map((item, i) => ({ take: () => take(chunk, i, item) }));
  }

  /** Ends every worker; what they did not finish is verified inline. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map(async (w) => {
      w.inFlight.clear();
      await w.worker.terminate();
    }));
  }
}

/**
 * Chunks of `w` with a message nobody finished yet. Counted from the shared state, not from the
 * worker's answers: those arrive only when the event loop turns, and a reader working through a
 * backlog in microtasks may not let it turn for a while. A chunk found settled is forgotten here
 * (its answer, when it comes, finds nothing), so the scan stays as short as the chunks in flight.
 */
function unsettled(w: PoolWorker): number {
  let n = 0;
  for (const [id, state] of w.inFlight) {
    let open = false;
    for (let i = 0; i < state.length; i++) {
      const s = Atomics.load(state, i);
      if (s === STATE.open || s === STATE.worker) {
        open = true;
        break;
      }
    }
    if (open) n++;
    else w.inFlight.delete(id);
  }
  if (w.inFlight.size === 0) w.worker.unref();
  return n;
}

/**
 * The outcome of message `i` of `chunk`: the worker's, or undefined when the reader verifies it
 * itself: when the worker has not reached it (the reader takes it), and when the worker is on it
 * right now — the reader does not wait for a thread the machine may have descheduled; the two
 * meet there at most once per chunk.
 */
function take(chunk: VerifyChunk, i: number, item: SignedMessage): PreVerified | undefined {
  const was = Atomics.compareExchange(chunk.state, i, STATE.open, STATE.inline);
  if (was === STATE.valid || was === STATE.invalid) return outcome(chunk, i, item);
  if (was === STATE.open) stats.readerFirst++;
  else if (was === STATE.worker) stats.met++;
  return undefined;
}

function outcome(chunk: VerifyChunk, i: number, item: SignedMessage): PreVerified | undefined {
  const s = Atomics.load(chunk.state, i);
  if (s !== STATE.valid && s !== STATE.invalid) return undefined;
  stats.verified++;
  const key = chunk.keys[i * KEY_LENGTH] ? Buffer.from(chunk.keys.buffer, chunk.keys.byteOffset + i * KEY_LENGTH, KEY_LENGTH).toString("latin1") : "";
  return { ...item, signingKey: key, ok: s === STATE.valid };
}

const NO_SIGNATURE = Buffer.alloc(0);

/** One buffer for a chunk (transferred, not copied): signed bytes and signature per message; shared state and key slots. */
function pack(id: number, items: SignedMessage[]): VerifyChunk {
  // Decoded as verifySignature decodes it: a header without the `ed25519:` prefix holds no signature.
  const parts = items.map((it) => ({ signed: signingBytes(it.subject, it.body), sig: it.header.startsWith("ed25519:") ? Buffer.from(it.header.slice(8), "base64url") : NO_SIGNATURE }));
  const total = parts.reduce((n, p) => n + p.signed.length + 64, 0);
  const bytes = new ArrayBuffer(total);
  const all = new Uint8Array(bytes);
  const layout = new Int32Array(items.length * 4);
  let at = 0;
  parts.forEach((p, i) => {
    all.set(p.signed, at);
    // A signature that is not 64 bytes is refused, as verifySignature refuses it (-1: not verified).
    if (p.sig.length === 64) all.set(p.sig, at + p.signed.length);
    layout.set([at, p.signed.length, p.signed.length - items[i]!.body.length, p.sig.length === 64 ? at + p.signed.length : -1], 4 * i);
    at += p.signed.length + 64;
  });
  const state = new Int32Array(new SharedArrayBuffer(items.length * 4));
  const keys = new Uint8Array(new SharedArrayBuffer(items.length * KEY_LENGTH));
  return { id, bytes, layout, state, keys };
}

/** True when the pool can take `header`: an ed25519 signature header (its length is checked when packed). */
export function poolable(header: string | undefined): header is string {
  return header !== undefined && header.startsWith("ed25519:");
}

let pool: CryptoPool | undefined;
let leases = 0;
let ending: NodeJS.Timeout | undefined;

/**
 * How long the pool outlives its last lease: a replay or consumption that follows at once (a
 * benchmark's rounds, the CLI replaying twice) finds its workers ready. Idle workers never hold
 * the process open, and this timer does not either.
 */
const LINGER_MS = 1_000;

/** A reader's hold on the shared pool: `verify` while holding it, `release` once (idempotent). */
export interface CryptoPoolLease {
  verify(items: SignedMessage[]): VerifyTicket[] | undefined;
  release(): void;
}

/**
 * Takes a lease on the process's pool (its workers start at the first backlog); undefined when
 * the pool is off (`SCHAKEL_CRYPTO_WORKERS=0`, or one core). The lease is given back by `release`
 * or when `closed` resolves (the reader's connection closed), whichever comes first; the workers
 * end a second after the last lease is given back.
 * @throws SchakelError("schema") when SCHAKEL_CRYPTO_WORKERS is not a number of workers.
 */
export function leaseCryptoPool(closed?: Promise<unknown>): CryptoPoolLease | undefined {
  const size = pool ? pool.size : cryptoWorkersFrom();
  if (size === 0 && !pool) return undefined;
  if (ending) clearTimeout(ending), (ending = undefined);
  pool ??= new CryptoPool(size);
  const held = pool;
  leases++;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    if (--leases > 0 || pool !== held) return;
    ending = setTimeout(() => {
      ending = undefined;
      if (leases > 0 || pool !== held) return;
      pool = undefined;
      void held.close();
    }, LINGER_MS);
    ending.unref();
  };
  void closed?.then(release, release);
  return { verify: (items) => (released ? undefined : held.verify(items)), release };
}

/** The pool's state now, and how many messages its workers verified since the process started. */
export function cryptoPoolStats(): CryptoPoolStats {
  return { workers: pool?.size ?? 0, ready: pool?.ready ?? 0, running: stats.running, leases, verified: stats.verified, handed: stats.handed, chunks: stats.chunks, readerFirst: stats.readerFirst, met: stats.met };
}
