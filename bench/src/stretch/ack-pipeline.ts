/**
 * A JetStream publisher that pipelines acks on ONE reply subscription. nats.js `js.publish` goes
 * through `nc.request` for every message: a timer, a `Promise.race`, a mux entry, a fresh
 * `TextDecoder` to parse the ack, and — once the ack has arrived — a `RequestError("cancelled")`
 * built (stack trace included) just to reject an already settled promise. Here each publish is a
 * plain `nc.publish` with reply `<inbox>.<n>`, acks are matched by `n` in a Map, and one interval
 * times out what is left unanswered.
 */
import { JetStreamApiError, type PubAck } from "@nats-io/jetstream";
import { createInbox, errors, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from "@nats-io/transport-node";

interface Pending {
  resolve(ack: PubAck): void;
  reject(err: Error): void;
  subject: string;
  deadline: number;
}

const decoder = new TextDecoder();

export class AckPipeline {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #sub: Subscription;
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  readonly #sweeper: NodeJS.Timeout;
  #next = 0;

  constructor(nc: NatsConnection, opts: { inboxPrefix?: string; timeoutMs?: number } = {}) {
    this.#nc = nc;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#prefix = `${createInbox(opts.inboxPrefix)}.`;
    this.#sub = nc.subscribe(`${this.#prefix}*`, { callback: (err, m) => (err ? this.#failAll(err) : this.#onAck(m)) });
    // One timer for all publishes; a quarter of the timeout is precise enough for a deadline.
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(50, this.#timeoutMs / 4)).unref();
    void nc.closed().then(() => this.#failAll(new errors.ClosedConnectionError()));
    void this.#watchPermissions();
  }

  /** Publishes to a stream and resolves with its ack; rejects like `js.publish` would. */
  publish(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<PubAck> {
    const n = ++this.#next;
    return new Promise<PubAck>((resolve, reject) => {
      this.#pending.set(n, { resolve, reject, subject, deadline: performance.now() + this.#timeoutMs });
      try {
        this.#nc.publish(subject, data, { reply: this.#prefix + n, ...(headers ? { headers } : {}) });
      } catch (err) {
        this.#pending.delete(n);
        reject(err as Error);
      }
    });
  }

  /** Stops listening; publishes still waiting fail as closed. */
  close(): void {
    clearInterval(this.#sweeper);
    this.#sub.unsubscribe();
    this.#failAll(new errors.ClosedConnectionError());
  }

  #onAck(m: Msg): void {
    const n = Number(m.subject.slice(this.#prefix.length));
    const p = this.#pending.get(n);
    if (!p) return; // timed out already
    this.#pending.delete(n);
    if (m.data.length === 0) {
      p.reject(m.headers?.code === 503 ? new errors.NoRespondersError(p.subject) : new Error(`empty JetStream ack for ${p.subject}`));
      return;
    }
    const ack = JSON.parse(decoder.decode(m.data)) as PubAck & { error?: { code: number; err_code: number; description: string } };
    if (ack.error) p.reject(new JetStreamApiError(ack.error));
    else p.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true, domain: ack.domain } as PubAck);
  }

  #sweep(): void {
    const now = performance.now();
    for (const [n, p] of this.#pending) {
      if (p.deadline > now) break; // insertion order is deadline order
      this.#pending.delete(n);
      p.reject(new errors.TimeoutError());
    }
  }

  /** The broker refuses a publish asynchronously (-ERR); fail the publishes on that subject. */
  async #watchPermissions(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type !== "error" || !(s.error instanceof errors.PermissionViolationError) || s.error.operation !== "publish") continue;
      const denied = s.error;
      for (const [n, p] of this.#pending) {
        if (p.subject !== denied.subject) continue;
        this.#pending.delete(n);
        p.reject(denied);
      }
    }
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}
