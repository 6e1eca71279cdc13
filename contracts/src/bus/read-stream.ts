/**
 * The one read path of durable consumers: pull in batches, decode every message through the bus
 * client's decode path (stored-message.ts), hand it to the reader, and keep reading through lost
 * pulls and reconnects. Services (consume.ts), the trace indexer and the auditor read this way;
 * feed slots (feed.ts) share the decoding.
 *
 * Lost pulls: a pull request left at a hub by a leaf link (or cluster node) that dropped is
 * noticed by missed heartbeats (two of half `expiresMs`) and pulled again, so `expiresMs` bounds
 * how long a reader stalls after such a loss. Any other trouble (consumer not there yet, JetStream
 * not back after a restart) is reported and the consumer is opened again after `retryMs`.
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { Bus } from "./bus.ts";
import type { OperatorConnection } from "./operator-connection.ts";
import { verifyStored, type StoredHeaders, type StoredMessage, type Verdict, type VerifyOptions } from "./stored-message.ts";
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
}

/** A running read: `stop()` ends it after the message being handled; `closed` resolves when it has. */
export interface StreamReading {
  stop(): void;
  closed: Promise<void>;
}

function verdictFor(reader: StreamReader, opts: ReadStreamOptions): (s: StreamRead) => Verdict | undefined {
  if (opts.mode === "raw") return () => undefined;
  if (!("directory" in reader)) throw new Error(`verified reading of ${opts.consumer.stream}/${opts.consumer.name} needs an organisation's Bus (its key directory and clock tolerance); read raw instead`);
  return (s) => verifyStored(reader, s, opts.verify);
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
  const { js } = transportOf(reader);
  const verdictOf = verdictFor(reader, opts);
  const { stream, name } = opts.consumer;
  return keepReading(opts, async ({ stopped, onStop }) => {
    const consumer = await js.consumers.get(stream, name);
    const info = await consumer.info(true);
    opts.onOpen?.({ maxDeliver: info.config.max_deliver && info.config.max_deliver > 0 ? info.config.max_deliver : 0, pending: info.num_pending });
    const messages = await consumer.consume({ max_messages: opts.batch ?? 100, expires: opts.expiresMs ?? 10_000 });
    onStop(() => void messages.stop());
    if (stopped()) messages.stop();
    for await (const m of messages) {
      await onRead(new StreamRead(m, verdictOf));
      if (stopped()) break;
    }
  });
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
