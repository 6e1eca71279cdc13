/**
 * The test's own window on the bus: the operator (admin) identity reads the whole coordination
 * stream with an ordered consumer and decodes every message with the same checks a service
 * applies. Tests act through the CLI and the services; they watch the outcome here, cheaply,
 * instead of polling with one CLI process after another.
 */
import { jetstream, type Consumer } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { readFileSync } from "node:fs";
import { STREAMS, type Envelope } from "@schakel/contracts";
import { decodeMessage, HEADERS, KeyDirectory } from "@schakel/contracts/bus";
import { credentialsPath, directoryPath } from "@schakel/infra";

export interface Observed {
  seq: number;
  storedAt: Date;
  subject: string;
  type: string;
  envelope: Envelope<any>;
}

interface Waiter {
  match: (o: Observed) => boolean;
  resolve: (o: Observed) => void;
}

export class Observer {
  readonly seen: Observed[] = [];
  readonly refused: { seq: number; reason: string }[] = [];
  #waiters = new Set<Waiter>();
  private constructor(private readonly nc: NatsConnection) {}

  /** Follows the COORD stream of the bus at `url` from its first message. */
  static async start(dataDir: string, url: string): Promise<Observer> {
    const admin = JSON.parse(readFileSync(credentialsPath(dataDir, "admin"), "utf8")) as { seed: string };
    const directory = KeyDirectory.fromFile(directoryPath(dataDir));
    // Organisations added while the bus runs (schakel identities generate) are verified too.
    const unwatch = directory.watchFile(directoryPath(dataDir), undefined, 100);
    const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(admin.seed)), name: "e2e-observer", maxReconnectAttempts: -1 });
    const observer = new Observer(nc);
    void nc.closed().then(unwatch);
    const consumer: Consumer = await jetstream(nc, { timeout: 30_000 }).consumers.get(STREAMS.coord.name);
    // Short pulls: after a server restart the ordered consumer notices its lost pull by missed
    // heartbeats (two of half this) and starts again where it was, within seconds.
    const messages = await consumer.consume({ expires: 2_000 });
    void (async () => {
      for await (const m of messages) {
        const storedAt = new Date(m.info.timestampNanos / 1e6);
        const d = decodeMessage({ subject: m.subject, body: m.data, signature: m.headers?.get(HEADERS.signature) || undefined, storedAt }, { directory, skewMs: 300_000 });
        if (!d.ok) {
          observer.refused.push({ seq: m.seq, reason: d.rejection.reason });
          continue;
        }
        const o = { seq: m.seq, storedAt, subject: m.subject, type: d.type, envelope: d.envelope };
        observer.seen.push(o);
        for (const w of observer.#waiters) if (w.match(o)) (observer.#waiters.delete(w), w.resolve(o));
      }
    })();
    return observer;
  }

  /** Messages seen so far that match. */
  all(match: (o: Observed) => boolean): Observed[] {
    return this.seen.filter(match);
  }

  /** The first message (seen or to come) that matches; rejects after `timeoutMs`, saying what. */
  waitFor(what: string, match: (o: Observed) => boolean, timeoutMs = 20_000): Promise<Observed> {
    const hit = this.seen.find(match);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve: (o) => (clearTimeout(timer), resolve(o)) };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms; seen: ${this.seen.map((o) => `${o.seq}:${o.type}`).join(" ")}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/** Typed data of an observed message. */
export const dataOf = <T = any>(o: Observed): T => o.envelope.data as T;
