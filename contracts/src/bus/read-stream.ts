/**
 * The one read path of durable consumers: pull in batches, decode every message through the bus
 * client's decode path (stored-message.ts), hand it to the reader, and keep reading through lost
 * pulls and reconnects. Services (consume.ts), the trace indexer and the auditor read this way;
 * feed slots (feed.ts) share the decoding.
 *
 * Lost pulls: a pull request left at a hub by a leaf link (or cluster node) that dropped is
 * noticed by missed heartbeats (two of half `expiresMs`) and pulled again, so `expiresMs` bounds
 * how long a reader stalls after such a loss. After a reconnect of its own connection a reading
 * starts again on a new inbox (`endOnReconnect`), so the pulls of the connection that was gone get
 * nothing. Any other trouble (consumer not there yet, JetStream not back after a restart) is
 * reported and the consumer is opened again after `retryMs`.
 *
 * Verified reads by a Bus verify a backlog's signatures in the crypto pool's worker threads ahead
 * of the reader (verify-ahead.ts, crypto-pool.ts); the reader still gets one message at a time,
 * in delivery order, and a lone message is verified inline.
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { NatsConnection, Status } from "@nats-io/transport-node";
import type { Bus } from "./bus.ts";
import type { OperatorConnection } from "./operator-connection.ts";
import { checkWith, leaseCryptoPool, type CryptoPoolLease, type PreVerified } from "./crypto-pool.ts";
import { signedOf, verifyStored, type StoredHeaders, type StoredMessage, type Verdict, type VerifyOptions } from "./stored-message.ts";
import { verifyAhead } from "./verify-ahead.ts";
import { transportOf } from "./transport.ts";

/** A durable consumer to read: its stream and name. */
export interface DurableConsumer {
  stream: string;
  name: string;
}

/** One delivered message: the stored message, its verdict (unless read raw) and its acknowledgement. */
export class StreamRead implements StoredMessage {
  readonly #m: JsMsg;
  readonly storedAt: Date;
  /** Absent when read raw. */
  readonly verdict: Verdict | undefined;

  constructor(m: JsMsg, verdict: (stored: StreamRead) => Verdict | undefined) {
    this.#m = m;
    this.storedAt = new Date(m.info.timestampNanos / 1e6);
    this.verdict = verdict(this);
  }

  get stream(): string { return this.#m.info.stream; }
  get seq(): number { return this.#m.seq; }
  get subject(): string { return this.#m.subject; }
  get storedAtNanos(): number { return this.#m.info.timestampNanos; }
  get headers(): StoredHeaders | undefined { return this.#m.headers; }
  get body(): Uint8Array { return this.#m.data; }
  get deliveryCount(): number { return this.#m.info.deliveryCount; }
  get pending(): number { return this.#m.info.pending; }
  /** The consumer that delivered it. */
  get consumer(): string { return this.#m.info.consumer; }

  /** Done with it: it is not delivered again. */
  ack(): void { this.#m.ack(); }
  /** Deliver it again, after `delayMs` when given. */
  nak(delayMs?: number): void { this.#m.nak(delayMs); }
  /** Never deliver it again (after it was filed elsewhere). */
  term(): void { this.#m.term(); }
  /** Still working on it: resets its acknowledgement timer. */
  working(): void { this.#m.working(); }

  /** The message as nats.js delivered it, for the bus client's own modules (consume, dead letters). */
  static jsMsgOf(read: StreamRead): JsMsg {
    return read.#m;
  }
}

/** Who reads: an organisation's Bus (verified or raw reads) or an operator identity's connection (raw reads). */
export type StreamReader = Bus | OperatorConnection;

export interface ReadStreamOptions {
  consumer: DurableConsumer;
  /** `"verified"` (default, needs a Bus): every read carries its verdict; `"raw"`: bytes as stored, no decoding. */
  mode?: "verified" | "raw";
  /** Decoding rules (verified mode). */
  verify?: VerifyOptions;
  /** Messages pulled per request (default 100). */
  batch?: number;
  /** Lifetime of each pull request in ms (default 10 000), see the file comment. */
  expiresMs?: number;
  /** Wait before opening the consumer again after trouble (default 1 000 ms). */
  retryMs?: number;
  /** Told each time the consumer is opened, with its server-side max_deliver (0: none) and how many messages wait for it. */
  onOpen?: (consumer: { maxDeliver: number; pending: number }) => void;
  /** Told when reading was interrupted (it resumes after `retryMs`). */
  onInterrupted?: (error: string) => void;
  /**
   * Verified mode: verify the signatures of a backlog in the crypto pool's worker threads, ahead of
   * the reader (default true; the pool itself is off with `SCHAKEL_CRYPTO_WORKERS=0` or on one core).
   * `onRead` still sees every message in delivery order, one at a time.
   */
  verifyInWorkers?: boolean;
}

/** A running read: `stop()` ends it after the message being handled; `closed` resolves when it has. */
export interface StreamReading {
  stop(): void;
  closed: Promise<void>;
}

function verdictFor(reader: StreamReader, opts: ReadStreamOptions): (s: StreamRead, pre?: PreVerified) => Verdict | undefined {
  if (opts.mode === "raw") return () => undefined;
  if (!("directory" in reader)) throw new Error(`verified reading of ${opts.consumer.stream}/${opts.consumer.name} needs an organisation's Bus (its key directory and clock tolerance); read raw instead`);
  return (s, pre) => verifyStored(reader, s, opts.verify, checkWith(pre));
}

/** Each Bus's hold on the crypto pool: taken at its first verified reading, given back when its connection closes. */
const leases = new WeakMap<Bus, CryptoPoolLease | null>();

/** The crypto pool for a verified reading by a Bus, or undefined to verify inline. */
function poolFor(reader: StreamReader, opts: ReadStreamOptions): CryptoPoolLease | undefined {
  if (opts.mode === "raw" || opts.verifyInWorkers === false || !("directory" in reader) || reader.isClosed) return undefined;
  let lease = leases.get(reader);
  if (lease === undefined) {
    lease = leaseCryptoPool(reader.closed()) ?? null;
    leases.set(reader, lease);
  }
  return lease ?? undefined;
}

/**
 * Runs `session` (one opened consumer's reading) again and again until stopped: trouble is
 * reported through `onInterrupted` and retried after `retryMs`.
 */
function keepReading(opts: ReadStreamOptions, session: (state: { stopped: () => boolean; onStop: (stop: () => void) => void }) => Promise<void>): StreamReading {
  let stopped = false;
  let stopCurrent: (() => void) | undefined;
  let wake: (() => void) | undefined;
  const state = { stopped: () => stopped, onStop: (stop: () => void) => void (stopCurrent = stop) };
  async function run(): Promise<void> {
    while (!stopped) {
      try {
        await session(state);
      } catch (err) {
        if (stopped) break;
        opts.onInterrupted?.((err as Error)?.message ?? String(err));
        await new Promise<void>((r) => {
          const t = setTimeout(r, opts.retryMs ?? 1_000);
          wake = () => (clearTimeout(t), r());
        });
        wake = undefined;
      }
    }
  }
  const closed = run();
  return {
    closed,
    stop() {
      stopped = true;
      stopCurrent?.();
      wake?.();
    },
  };
}

/**
 * Reads a durable consumer until stopped, calling `onRead` once per message in delivery order and
 * awaiting it before the next one; `onRead` acknowledges (or naks, or terminates) each read. A
 * throwing `onRead` interrupts the pull and is reported like any other trouble; readers that must
 * keep going catch their own errors.
 * @throws Error at once when a verified read is asked of something other than a Bus.
 */
export function readStream(reader: StreamReader, opts: ReadStreamOptions, onRead: (read: StreamRead) => Promise<void> | void): StreamReading {
  const { js, nc } = transportOf(reader);
  const verdictOf = verdictFor(reader, opts);
  const lease = poolFor(reader, opts);
  const { stream, name } = opts.consumer;
  return keepReading(opts, async ({ stopped, onStop }) => {
    const consumer = await js.consumers.get(stream, name);
    const info = await consumer.info(true);
    opts.onOpen?.({ maxDeliver: info.config.max_deliver && info.config.max_deliver > 0 ? info.config.max_deliver : 0, pending: info.num_pending });
    const messages = await consumer.consume({ max_messages: opts.batch ?? 100, expires: opts.expiresMs ?? 10_000 });
    onStop(() => void messages.stop());
    if (stopped()) messages.stop();
    const reconnected = endOnReconnect(nc, () => void messages.stop());
    try {
      if (!lease) {
        for await (const m of messages) {
          await onRead(new StreamRead(m, verdictOf));
          if (stopped()) break;
        }
        return;
      }
      // A backlog's signatures are verified in worker threads ahead of the reader (verify-ahead.ts).
      const ahead = verifyAhead<JsMsg>(messages, { lease, signedOf: (m) => signedOf({ subject: m.subject, body: m.data, headers: m.headers }), stopSource: () => void messages.stop() });
      for await (const { item, pre } of ahead) {
        await onRead(new StreamRead(item, (s) => verdictOf(s, pre)));
        if (stopped()) break;
      }
    } finally {
      reconnected.stop();
    }
  });
}

/**
 * Ends a reading when its connection reconnects, so that the next one pulls on a new inbox. The
 * server still holds the pull requests made before: nats-server 2.9 delivers to the oldest one
 * while its reply inbox has a subscriber in the organisation's account — and the client subscribes
 * that inbox again when it reconnects — but the reply crosses the account boundary through a
 * mapping made for the connection that is gone. The first messages after any reconnect were lost
 * on the way and came again only after the consumer's ack_wait (30 s, measured). Once the old
 * inbox has no subscriber, the server drops those requests and serves the new one. What the
 * reading already received is still handed on before it ends (a stopped iterator yields what it
 * holds).
 */
function endOnReconnect(nc: NatsConnection, end: () => void): { stop(): void } {
  // nats.js's status iterator; stopping it removes it from the connection's listeners.
  const status = nc.status() as AsyncIterable<Status> & { stop?: () => void };
  void (async () => {
    for await (const s of status) {
      if (s.type !== "reconnect") continue;
      end();
      break;
    }
  })().catch(() => undefined);
  return { stop: () => status.stop?.() };
}

/**
 * Reads a durable consumer in batches until stopped: each pull of up to `batch` messages (waiting
 * at most `expiresMs`, default 1 000) is handed over whole, for readers that must persist a batch
 * before acknowledging it (the auditor syncs its log once per batch). Empty pulls are not handed on.
 * @throws Error at once when a verified read is asked of something other than a Bus.
 */
export function readStreamBatches(reader: StreamReader, opts: ReadStreamOptions, onBatch: (reads: StreamRead[]) => Promise<void> | void): StreamReading {
  const { js } = transportOf(reader);
  const verdictOf = verdictFor(reader, opts);
  const { stream, name } = opts.consumer;
  return keepReading(opts, async ({ stopped }) => {
    const consumer = await js.consumers.get(stream, name);
    while (!stopped()) {
      const batch: StreamRead[] = [];
      for await (const m of await consumer.fetch({ max_messages: opts.batch ?? 256, expires: opts.expiresMs ?? 1_000 })) batch.push(new StreamRead(m, verdictOf));
      if (batch.length) await onBatch(batch);
    }
  });
}
