/**
 * Publishing to JetStream with the acks of every message in flight collected on ONE reply
 * subscription; JetStream API requests whose answer the caller reads itself (a bucket's record by
 * subject: kv-requests.ts) go the same way. nats.js `js.publish` runs `nc.request` per message: a
 * mux entry, a timer and a `Promise.race` each, a new `TextDecoder` per ack, and — after a
 * successful ack — a `RequestError("cancelled")` with its stack trace, built only to reject a
 * settled promise. Here a publish is one `nc.publish` with reply `<inbox>.<n>`; acks are matched by
 * `n`, and one interval times out what stays unanswered. Errors are the ones nats.js raises
 * (timeout, no responders, permissions violation, closed connection, the JetStream API error, and
 * `JetStreamError` for an ack it cannot read, as `js.publish` does), so callers map them alike.
 */
import { JetStreamApiError, JetStreamError, type PubAck } from "@nats-io/jetstream";
import { createInbox, errors, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from "@nats-io/transport-node";

interface Waiting {
  /** An ack (`publish`) or the parsed answer as it came (`request`). */
  resolve(answer: PubAck | unknown): void;
  reject(err: Error): void;
  subject: string;
  deadline: number;
  /** `request`: hand on the parsed answer, errors included, without reading it as an ack. */
  raw: boolean;
}

interface AckBody {
  stream: string;
  seq: number;
  duplicate?: boolean;
  domain?: string;
  error?: { code: number; err_code: number; description: string };
}

const decoder = new TextDecoder();

export class AckPipeline {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #sub: Subscription;
  readonly #waiting = new Map<number, Waiting>();
  readonly #timeoutMs: number;
  readonly #sweeper: NodeJS.Timeout;
  #next = 0;
  #closed = false;

  /** Subscribes `<inboxPrefix>.<unique>.*` on `nc` (its inbox prefix must be subscribable). */
  constructor(nc: NatsConnection, opts: { inboxPrefix?: string; timeoutMs?: number } = {}) {
    this.#nc = nc;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#prefix = `${createInbox(opts.inboxPrefix)}.`;
    this.#sub = nc.subscribe(`${this.#prefix}*`, { callback: (err, m) => (err ? this.#failAll(err) : this.#onAck(m)) });
    // One timer for every publish in flight; a quarter of the timeout is precise enough.
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(50, this.#timeoutMs / 4));
    this.#sweeper.unref();
    void nc.closed().then(() => this.close());
    void this.#watchPermissions();
  }

  /** Publishes to a stream's subject; resolves with the stream's ack, rejects like `js.publish`. */
  publish(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<PubAck> {
    return this.#send(subject, data, headers, false) as Promise<PubAck>;
  }

  /**
   * A JetStream API request (e.g. STREAM.MSG.GET); resolves with its JSON answer as parsed, an API
   * error included (the caller decides what a "not found" means, and no error object is made for
   * it); rejects on a timeout, no responders, an unreadable answer or a closed connection.
   */
  request(subject: string, data: Uint8Array): Promise<unknown> {
    return this.#send(subject, data, undefined, true);
  }

  #send(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, raw: boolean): Promise<unknown> {
    const n = ++this.#next;
    return new Promise<unknown>((resolve, reject) => {
      if (this.#closed) return reject(new errors.ClosedConnectionError());
      this.#waiting.set(n, { resolve, reject, subject, deadline: performance.now() + this.#timeoutMs, raw });
      try {
        this.#nc.publish(subject, data, headers ? { reply: this.#prefix + n, headers } : { reply: this.#prefix + n });
      } catch (err) {
        this.#waiting.delete(n);
        reject(err as Error);
      }
    });
  }

  /** Stops listening; what is still waiting fails as closed. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    if (!this.#nc.isClosed()) this.#sub.unsubscribe();
    this.#failAll(new errors.ClosedConnectionError());
  }

  #onAck(m: Msg): void {
    const n = Number(m.subject.slice(this.#prefix.length));
    const w = this.#waiting.get(n);
    if (!w) return; // timed out already
    this.#waiting.delete(n);
    if (m.data.length === 0) {
      w.reject(m.headers?.code === 503 ? new errors.NoRespondersError(w.subject) : new JetStreamError(`JetStream answered ${w.subject} with an empty ack (${m.headers?.code ?? "no status"})`));
      return;
    }
    let ack: AckBody;
    try {
      ack = JSON.parse(decoder.decode(m.data)) as AckBody;
    } catch (err) {
      return w.reject(new JetStreamError(`unreadable JetStream ${w.raw ? "answer" : "ack"} for ${w.subject}: ${(err as Error).message}`, { cause: err }));
    }
    if (w.raw) return w.resolve(ack);
    if (ack.error) return w.reject(new JetStreamApiError(ack.error));
    w.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true, ...(ack.domain ? { domain: ack.domain } : {}) } as PubAck);
  }

  #sweep(): void {
    const now = performance.now();
    // Insertion order is deadline order: stop at the first one still in time.
    for (const [n, w] of this.#waiting) {
      if (w.deadline > now) break;
      this.#waiting.delete(n);
      w.reject(new errors.TimeoutError());
    }
  }

  /** The broker refuses a publish asynchronously (-ERR): fail what waits on that subject. */
  async #watchPermissions(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (this.#closed) return;
      if (s.type !== "error" || !(s.error instanceof errors.PermissionViolationError) || s.error.operation !== "publish") continue;
      const denied = s.error;
      for (const [n, w] of this.#waiting) {
        if (w.subject !== denied.subject) continue;
        this.#waiting.delete(n);
        w.reject(denied);
      }
    }
  }

  #failAll(err: Error): void {
    for (const w of this.#waiting.values()) w.reject(err);
    this.#waiting.clear();
  }
}
