/**
 * The connection of an operator identity (`audit`, `admin`: OPERATOR_IDS). An operator is no
 * organisation — no signing role, no sealing key, not in the key directory — so it gets no Bus;
 * it gets the operations its grants allow, and the connection itself stays inside the bus client
 * like a Bus's. The audit reads every stored message raw through its own durables
 * (`audit--coord|case|deadletter`, infra/src/permissions.ts) with `readStreamBatches`, and writes
 * only its checkpoints.
 */
import { AckPolicy, DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { seedAuthenticator } from "./nkey-authenticator.ts";
import type { OPERATOR_IDS } from "../security.ts";
import type { InboxConsumer } from "../streams.ts";
import { inboxPrefix } from "../subjects.ts";
import { AuthenticationRetriesExhausted, withAuthenticationRetry } from "./authentication-retry.ts";
import { consumerSummaries, readRecentMessages, streamSummaries, type ConsumerSummary, type RecentRead, type RecentWindow, type StreamSummary } from "./bus-overview.ts";
import { closeOnRepeatedRefusal, connectionEvents, reconnectBackoff, type ConnectionEvent } from "./connection.ts";
import { consumerBacklog, consumerInfoIfAny, type ConsumerBacklog } from "./inspection.ts";
import { copyToSandbox, prepareSandbox, type SandboxCopy, type SandboxOriginal } from "./sandbox-copy.ts";
import { redriveOriginal, type RedriveOriginal, type Redriven } from "./redrive.ts";
import type { StoredMessage } from "./stored-message.ts";
import { restoreSnapshot, type RestoredStream, type RestoreOptions } from "./restore.ts";
import { takeSnapshot, type SnapshotMeta, type SnapshotOptions, type TakenSnapshot } from "./snapshot.ts";
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
    // A server too busy to authenticate in time is tried again; the last error is thrown as the client's.
    const backoff = reconnectBackoff();
    const nc = await withAuthenticationRetry(() => connect({
      servers: opts.servers, name: opts.name ?? `schakel-${opts.as}`, authenticator: seedAuthenticator(opts.seed),
      inboxPrefix: inboxPrefix(opts.as), noAsyncTraces: true, maxReconnectAttempts: opts.reconnect === false ? 0 : -1, reconnectDelayHandler: backoff.delay,
      ignoreAuthErrorAbort: opts.reconnect !== false, // refusals still end it (connection.ts), a busy server does not
    })).catch((err: unknown) => {
      throw err instanceof AuthenticationRetriesExhausted ? err.cause : err;
    });
    void backoff.follow(nc);
    if (opts.reconnect !== false) void closeOnRepeatedRefusal(nc, () => {});
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

  /** Every stream with its size and age, in one paged request (see bus-overview.ts). */
  async streamSummaries(): Promise<StreamSummary[]> {
    return streamSummaries(await managerOf(this));
  }

  /** Every consumer of `stream` with its backlog, in one paged request (see bus-overview.ts). */
  async consumerSummaries(stream: string): Promise<ConsumerSummary[]> {
    return consumerSummaries(await managerOf(this), stream);
  }

  /** Subjects and storage times of the newest messages of `stream` in a window, headers only (see bus-overview.ts). */
  async recentMessages(stream: string, window: RecentWindow): Promise<RecentRead> {
    return readRecentMessages(transportOf(this).js, await managerOf(this), stream, window);
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

  /** Publishes a dead letter's original again on its live subject (admin only; see redrive.ts). */
  async redrive(original: RedriveOriginal): Promise<Redriven> {
    return redriveOriginal(transportOf(this).js, original);
  }

  /** The version of the server this connection reached ("2.9.10"). */
  get serverVersion(): string {
    return this.#nc.info?.version ?? "unknown";
  }

  /** Every stream of the account (KV buckets are streams `KV_<bucket>`), by name, with its storage ("file" or "memory"). */
  async streams(): Promise<{ name: string; storage: string }[]> {
    const found: { name: string; storage: string }[] = [];
    for await (const si of (await managerOf(this)).streams.list()) found.push({ name: si.config.name, storage: si.config.storage });
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Streams a consistent snapshot of `stream` into `write` (see snapshot.ts). */
  snapshot(stream: string, write: (chunk: Uint8Array) => Promise<void>, opts?: SnapshotOptions): Promise<TakenSnapshot> {
    return takeSnapshot(this.#nc, inboxPrefix(this.org), stream, write, opts);
  }

  /** Restores a stream from a snapshot's config, state and bytes into a server without it (see restore.ts). */
  restore(meta: SnapshotMeta, archive: AsyncIterable<Uint8Array>, opts?: RestoreOptions): Promise<RestoredStream> {
    return restoreSnapshot(this.#nc, meta, archive, opts);
  }

  /** The connection's events (lost, reconnected, errors) until it closes: what `watchReachability` follows. */
  connectionEvents(): AsyncIterable<ConnectionEvent> {
    return connectionEvents(this.#nc);
  }

  /** Drains and closes the connection. */
  async close(): Promise<void> {
    if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => this.#nc.close());
  }
}
