/**
 * The connection of an operator identity (`audit`, `admin`: OPERATOR_IDS). An operator is no
 * organisation — no signing role, no sealing key, not in the key directory — so it gets no Bus;
 * it gets the operations its grants allow, and the connection itself stays inside the bus client
 * like a Bus's. The audit reads every stored message raw through its own durables
 * (`audit--coord|case|deadletter`, infra/src/permissions.ts) with `readStreamBatches`, and writes
 * only its checkpoints.
 */
import { AckPolicy, DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { OPERATOR_IDS } from "../security.ts";
import type { InboxConsumer } from "../streams.ts";
import { inboxPrefix } from "../subjects.ts";
import { consumerBacklog, consumerInfoIfAny, type ConsumerBacklog } from "./inspection.ts";
import { copyToSandbox, prepareSandbox, type SandboxCopy, type SandboxOriginal } from "./sandbox-copy.ts";
import type { StoredMessage } from "./stored-message.ts";
import { readStoredRange, storedMessageAt, streamStateOf, type StoredRange, type StreamState } from "./stored-reads.ts";
import { managerOf, registerTransport, transportOf } from "./transport.ts";

export interface OperatorConnectOptions {
  servers: string | string[];
  /** Which operator identity. */
  as: (typeof OPERATOR_IDS)[number];
  /** Its user nkey seed. */
  seed: string;
  /** Connection name shown in the server's monitoring (default "schakel-<identity>"). */
  name?: string;
  /** Keep reconnecting forever (a long-running reader, default) or fail fast (a one-off check). */
  reconnect?: boolean;
}

/** How a durable that reads from a known position is (re)created. */
export interface DurableFromOptions {
  /** The last sequence of the stream already read (0: none): the durable starts after it. */
  afterSeq: number;
  /** Acknowledgement wait in ms (default 60 000). */
  ackWaitMs?: number;
  /** Deliveries in flight at most (default 4 096). */
  maxAckPending?: number;
  /** Shown in the server's consumer info. */
  description?: string;
}

export class OperatorConnection {
  readonly kind = "operator" as const;
  readonly #nc: NatsConnection;

  private constructor(readonly org: (typeof OPERATOR_IDS)[number], nc: NatsConnection) {
    this.#nc = nc;
    registerTransport(this, { nc, js: jetstream(nc) });
  }

  /** Connects as an operator identity; throws the client's connection error when the bus is not there or refuses the seed. */
  static async connect(opts: OperatorConnectOptions): Promise<OperatorConnection> {
    const nc = await connect({
      servers: opts.servers, name: opts.name ?? `schakel-${opts.as}`, authenticator: nkeyAuthenticator(new TextEncoder().encode(opts.seed)),
      inboxPrefix: inboxPrefix(opts.as), noAsyncTraces: true, maxReconnectAttempts: opts.reconnect === false ? 0 : -1, reconnectTimeWait: 500,
    });
    return new OperatorConnection(opts.as, nc);
  }

  /**
   * Makes sure the durable `c` reads right after `afterSeq`: it is created when missing, and
   * re-created when it is ahead (what was read was replaced, or lost its tail), since it would
   * otherwise skip messages. Throws the JetStream error when the broker refuses.
   */
  async durableFrom(c: InboxConsumer, opts: DurableFromOptions): Promise<void> {
    const jsm = await managerOf(this);
    const info = await consumerInfoIfAny(jsm, c.stream, c.name);
    if (info && info.ack_floor.stream_seq > opts.afterSeq) await jsm.consumers.delete(c.stream, c.name);
    else if (info) return;
    await jsm.consumers.add(c.stream, {
      durable_name: c.name, filter_subject: c.filter, ack_policy: AckPolicy.Explicit, ack_wait: (opts.ackWaitMs ?? 60_000) * 1e6,
      max_ack_pending: opts.maxAckPending ?? 4_096, ...(opts.description ? { description: opts.description } : {}),
      ...(opts.afterSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: opts.afterSeq + 1 } : { deliver_policy: DeliverPolicy.All }),
    });
  }

  /** How far one of the operator's durables is behind. Throws the JetStream error when it does not exist. */
  backlog(c: { stream: string; name: string }): Promise<ConsumerBacklog> {
    return consumerBacklog(this, c);
  }

  /** The message stored at `seq` in `stream` (raw), or undefined when it is gone. Throws the JetStream error when the stream is not there. */
  async storedMessage(stream: string, seq: number): Promise<StoredMessage | undefined> {
    return storedMessageAt(await managerOf(this), stream, seq);
  }

  /** First and last sequence and message count of `stream`. Throws the JetStream error when it is not there. */
  async streamState(stream: string): Promise<StreamState> {
    return streamStateOf(await managerOf(this), stream);
  }

  /** The raw messages of a range of a stream, in storage order (see stored-reads.ts). */
  async *readRange(range: StoredRange): AsyncGenerator<StoredMessage> {
    yield* readStoredRange(transportOf(this).js, await managerOf(this), range);
  }

  /** Creates sandbox `name`'s durable consumer when missing and returns it (see sandbox-copy.ts). */
  async prepareSandbox(name: string): Promise<InboxConsumer> {
    return prepareSandbox(await managerOf(this), name);
  }

  /** Publishes a byte-for-byte copy of `original` into sandbox `name` under `msgId` (see sandbox-copy.ts). */
  async copyToSandbox(name: string, original: SandboxOriginal, msgId: string): Promise<SandboxCopy> {
    return copyToSandbox(transportOf(this).js, name, original, msgId);
  }

  /** Drains and closes the connection. */
  async close(): Promise<void> {
    if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => this.#nc.close());
  }
}
