/**
 * The typed bus client. One Bus is one organisation's authenticated connection: it publishes as
 * that organisation only (the broker enforces it too) and reads only what is addressed to it.
 * Validation, envelopes, signatures, dedupe ids and trace context live here so that service
 * handlers are small typed functions about the domain.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import type { InputOf, MessageType } from "../catalog.ts";
import { traceIdOf, type Envelope } from "../envelope.ts";
import { BUILTIN_GLOSSARY_VERSION } from "../glossary.ts";
import { SchakelError } from "../errors.ts";
import { inboxPrefix } from "../subjects.ts";
import { consume, type ConsumeOptions, type Consumption } from "./consume.ts";
import type { OrgCredentials } from "./credentials.ts";
import type { CredentialsSource } from "./credentials-file.ts";
import type { KeyDirectory } from "./directory.ts";
import type { AckPipeline } from "./ack-pipeline.ts";
import { AuthenticationRetriesExhausted, withAuthenticationRetry, type AuthenticationRetry, type AuthenticationRetryEvent } from "./authentication-retry.ts";
import { connectError, publishError } from "./errors-map.ts";
import { headerBytes, HEADERS } from "./headers.ts";
import { changingSeedAuthenticator, seedAuthenticator } from "./nkey-authenticator.ts";
import { identityFrom, type Identity } from "./identity.ts";
import { chain, type BusInterceptors } from "./interceptors.ts";
import { buildOutgoing, type Outgoing, type PublishOptions } from "./outgoing.ts";
import { startSendSpan, wireContext } from "./tracing.ts";
import { publisherOf, registerTransport } from "./transport.ts";
import { closeOnRepeatedRefusal, connectionEvents, reconnectBackoff, type ConnectionEvent } from "./connection.ts";
import { consumerBacklog, type ConsumerBacklog } from "./inspection.ts";
import { DEFAULT_SKEW_MS } from "./clock-skew.ts";
import { errorType, recordSend } from "./bus-metrics.ts";
import { recordRead, type ReadInput } from "./record-read.ts";

export interface ConnectOptions {
  servers: string | string[];
  credentials: OrgCredentials;
  /**
   * Credentials that may change while the connection lives (credentials-file.ts): asked again
   * before every reconnect, and for every message signed, so that after a rotation of the
   * organisation's key the bus authenticates and signs with the new one without a restart.
   * `credentials` are then the ones to start with; both must be of the same organisation.
   * Refused credentials then do not end the reconnecting (connection.ts): the new file may arrive
   * after the server already refuses the old key, and every attempt asks the source again.
   */
  credentialsSource?: CredentialsSource;
  directory: KeyDirectory;
  /** Connection name shown in the server's monitoring. */
  name?: string;
  /** Tolerance between a message's time and the broker's storage time (default DEFAULT_SKEW_MS, 5 min; deployments set SCHAKEL_CLOCK_SKEW, clock-skew.ts). */
  skewMs?: number;
  /** Keep reconnecting forever (services) or fail fast (CLI). Default true. */
  reconnect?: boolean;
  /** Wait for the first connection instead of failing when the server is not up yet. */
  waitOnFirstConnect?: boolean;
  /** JetStream publish-ack timeout in ms (default 5000). */
  timeoutMs?: number;
  /**
   * JetStream domain of the streams and consumers (e.g. "hub" for a service connected to a leaf
   * node); publications still go to the subject, where the leaf's OUTBOX stores them.
   */
  jetStreamDomain?: string;
  /**
   * Cross-cutting behaviour around every send of this bus (see interceptors.ts), e.g. sending a
   * message again until it is acknowledged.
   */
  interceptors?: BusInterceptors;
  /**
   * How a first connection that the server was too busy to authenticate in time is tried again
   * (authentication-retry.ts; default 6 attempts from 250 ms). Refused credentials are never retried.
   */
  authenticationRetry?: AuthenticationRetry;
  /** Told before each new attempt after an authentication timeout (e.g. to log it). */
  onAuthenticationRetry?: (event: AuthenticationRetryEvent) => void;
}

export interface Published {
  id: string;
  subject: string;
  stream: string;
  seq: number;
  duplicate: boolean;
  traceId: string;
  envelope: Envelope;
}

/**
 * Connects as one organisation. A server too busy to check the credentials in time is tried
 * again with back-off (`authenticationRetry`). Throws SchakelError naming the servers and the
 * organisation: `credentials-refused` when the bus refuses its credentials, `unreachable`
 * (retryable) when no server answers or it stays too busy to authenticate, `failed` otherwise.
 */
export async function connectBus(opts: ConnectOptions): Promise<Bus> {
  const identity = identityFrom(opts.credentials);
  opts.directory.require(identity.org);
  const source = opts.credentialsSource;
  if (source && source.org !== identity.org) {
    throw new SchakelError("unknown-organisation", `the credentials source is of "${source.org}", the credentials of "${identity.org}": give both of the same organisation`, { org: identity.org });
  }
  const servers = Array.isArray(opts.servers) ? opts.servers : [opts.servers];
  let nc: NatsConnection;
  const backoff = reconnectBackoff();
  try {
    nc = await withAuthenticationRetry(() => connect({
      servers,
      name: opts.name ?? `schakel:${identity.org}`,
      authenticator: source ? changingSeedAuthenticator(() => source.refresh().seed) : seedAuthenticator(opts.credentials.seed),
      inboxPrefix: inboxPrefix(identity.org),
      noAsyncTraces: true,
      maxReconnectAttempts: opts.reconnect === false ? 0 : -1,
      reconnectDelayHandler: backoff.delay,
      waitOnFirstConnect: opts.waitOnFirstConnect ?? false,
      // Refusals still end the reconnecting (connection.ts); a server too busy to authenticate does not.
      ignoreAuthErrorAbort: opts.reconnect !== false,
    }), opts.authenticationRetry, opts.onAuthenticationRetry);
  } catch (err) {
    if (err instanceof AuthenticationRetriesExhausted) throw connectError(err.cause, servers, identity.org, err.attempts);
    throw connectError(err, servers, identity.org);
  }
  void backoff.follow(nc);
  return new Bus(nc, identity, opts);
}

/** More than the encoded headers of any message the bus sends (tracestate ≤ 512 chars included). */
const HEADER_ROOM = 8 * 1024;

/**
 * One organisation's connection to the bus. Its NATS connection and JetStream context stay
 * private (the bus client's own modules reach them through transport.ts); everything else uses
 * the operations below.
 */
export class Bus {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  /** The refusal that ended reconnecting, if one did (connection.ts). */
  #refusedWith: Error | undefined;
  #glossaryVersion = BUILTIN_GLOSSARY_VERSION;
  readonly org: string;
  readonly skewMs: number;
  readonly directory: KeyDirectory;
  #identity: Identity;
  /** The credentials #identity was built from. */
  #signingWith: OrgCredentials;
  readonly #credentialsSource: CredentialsSource | undefined;

  constructor(nc: NatsConnection, identity: Identity, opts: ConnectOptions) {
    this.org = identity.org;
    this.#identity = identity;
    this.#signingWith = opts.credentials;
    this.#credentialsSource = opts.credentialsSource;
    this.directory = opts.directory;
    this.skewMs = opts.skewMs ?? DEFAULT_SKEW_MS;
    this.#nc = nc;
    this.#js = jetstream(nc, { timeout: opts.timeoutMs ?? 5_000, ...(opts.jetStreamDomain ? { domain: opts.jetStreamDomain } : {}) });
    registerTransport(this, { nc, js: this.#js });
    // Credentials that can change are tried again after a refusal: the new ones may not be there yet.
    if (opts.reconnect !== false && !opts.credentialsSource) void closeOnRepeatedRefusal(nc, (err) => (this.#refusedWith = err));
    // Composed once: without interceptors a send calls #transmit directly.
    this.#send = chain(opts.interceptors?.outbound ?? [], (out) => this.#transmit(out));
  }

  /**
   * The organisation's signing and opening side: with a `credentialsSource`, the one of the
   * credentials it holds now (a rotated key is taken up for the next message signed).
   */
  get identity(): Identity {
    // A source hands out a new credentials object only when the file brought other seeds.
    const now = this.#credentialsSource?.current();
    if (now && now !== this.#signingWith) {
      this.#identity = identityFrom(now);
      this.#signingWith = now;
    }
    return this.#identity;
  }

  /** The server this bus is connected to now, as `host:port` (another one after a reconnect elsewhere); "" when none. */
  get server(): string {
    return this.#nc.getServer();
  }

  /** The id the server gave this connection (differs per connection), undefined before the first connect. */
  get clientId(): number | undefined {
    return this.#nc.info?.client_id;
  }

  /** The largest message (body and headers) the server accepts, in bytes; undefined before the first connect. */
  get maxPayload(): number | undefined {
    return this.#nc.info?.max_payload;
  }

  /** True once the connection is closed for good (closed, killed, or reconnecting gave up). */
  get isClosed(): boolean {
    return this.#nc.isClosed();
  }

  /** Resolves when the connection is closed for good: with the error that closed it, or undefined. */
  async closed(): Promise<Error | undefined> {
    return (await this.#nc.closed()) ?? this.#refusedWith;
  }

  /** The connection's events (lost, reconnected, errors, slow consumers) until it closes. */
  connectionEvents(): AsyncIterable<ConnectionEvent> {
    return connectionEvents(this.#nc);
  }

  /**
   * How far one of this organisation's durable consumers is behind. Throws the JetStream error
   * when it is not one of the organisation's consumers or the bus does not answer.
   */
  consumerBacklog(consumer: { stream: string; name: string }): Promise<ConsumerBacklog> {
    return consumerBacklog(this, consumer);
  }

  /**
   * The pseudonym this organisation gives one of its persons on the wire (`actor`); see
   * pseudonyms.ts. Throws SchemaError for a malformed person id.
   */
  pseudonymOf(personId: string): string {
    return this.identity.pseudonymOf(personId);
  }

  /** The glossary version this bus's messages name when a publication names none (see {@link useGlossaryVersion}). */
  get glossaryVersion(): number {
    return this.#glossaryVersion;
  }

  /**
   * Names `version` in this bus's messages from now on, when it is newer than the version named
   * so far: the organisation's newest adopted glossary, set when its state is opened and when a
   * new version arrives. A publication's own `glossaryVersion` still wins.
   */
  useGlossaryVersion(version: number): void {
    if (Number.isInteger(version) && version > this.#glossaryVersion) this.#glossaryVersion = version;
  }

  #withGlossary(opts: PublishOptions): PublishOptions {
    return opts.glossaryVersion !== undefined || this.#glossaryVersion === BUILTIN_GLOSSARY_VERSION ? opts : { ...opts, glossaryVersion: this.#glossaryVersion };
  }

  /** Builds, validates and signs a message without sending it (also used for pipelined sends). */
  prepare<T extends MessageType>(type: T, data: InputOf<T>, opts: PublishOptions): Outgoing<T> {
    return buildOutgoing(this.identity, this.directory, type, data, this.#withGlossary(opts), opts.trace ?? wireContext(opts.inReplyTo));
  }

  /**
   * Publishes one message and resolves with the JetStream ack. Throws SchemaError (every failing
   * field), or SchakelError for an unknown audience, a type this organisation may not send, a
   * payload over the server's max_payload, or a broker that refused or did not answer.
   */
  async publish<T extends MessageType>(type: T, data: InputOf<T>, opts: PublishOptions): Promise<Published> {
    const span = startSendSpan({ type, sender: this.org, audience: opts.to, server: this.server }, opts.trace ?? opts.inReplyTo);
    try {
      const out = buildOutgoing(this.identity, this.directory, type, data, this.#withGlossary(opts), span.wire);
      span.built(out);
      const ack = await this.send(out);
      span.stored(ack);
      span.end();
      return ack;
    } catch (err) {
      span.end(err);
      throw err;
    }
  }

  /**
   * Sends a prepared message through the bus's outbound interceptors; resolves with the ack.
   * Throws what `publish` throws about the broker (or what an interceptor throws instead).
   */
  send(out: Outgoing): Promise<Published> {
    return this.#send(out);
  }

  readonly #send: (out: Outgoing) => Promise<Published>;

  /** The end of every send: `Nats-Msg-Id` = envelope id, the size checked, the stream's ack awaited. */
  async #transmit(out: Outgoing): Promise<Published> {
    const max = this.maxPayload;
    // The server counts the body and the encoded headers, including the Nats-Msg-Id set here.
    out.headers.set(HEADERS.msgId, out.envelope.id);
    // Encoding the headers only to count them costs 1.5–5 µs a message: do it near the limit only
    // (Schakel's headers — signature, trace context, message id — stay far below HEADER_ROOM).
    const size = max !== undefined && out.body.length + HEADER_ROOM > max ? out.body.length + headerBytes(out.headers) : out.body.length;
    if (max !== undefined && size > max) {
      throw new SchakelError("payload-too-large", `${out.envelope.type} to "${out.envelope.audience}" is ${size} bytes with its headers, over the server's max_payload of ${max} bytes: shorten the text or link to a document`, { subject: out.subject, size, max });
    }
    const started = performance.now();
    try {
      const ack = await this.#publisher().publish(out.subject, out.body, out.headers);
      recordSend(out.envelope.type, this.org, started);
      return {
        id: out.envelope.id,
        subject: out.subject,
        stream: ack.stream,
        seq: ack.seq,
        duplicate: ack.duplicate,
        traceId: traceIdOf(out.envelope.traceparent),
        envelope: out.envelope as Envelope,
      };
    } catch (err) {
      const failure = publishError(err, out.subject, this.org);
      recordSend(out.envelope.type, this.org, started, errorType(failure));
      throw failure;
    }
  }

  /**
   * Every send goes through one publisher that collects acks on one reply subscription: measured
   * 1.5–2.5× the rate of `js.publish` for the same bytes (docs/BENCHMARKS.md), same errors. The
   * bus's buckets read and write through it too (kv-requests.ts).
   */
  #publisher(): AckPipeline {
    return publisherOf(this);
  }

  /** Records a view of something sensitive in the read audit (record-read.ts); resolves once stored. */
  recordRead(read: ReadInput): Promise<Published> {
    return recordRead(this, read);
  }

  /** Consumes this organisation's inbox consumers (or the ones given) with typed handlers. */
  consume(opts: ConsumeOptions): Consumption {
    return consume(this, opts);
  }

  /** Drains subscriptions and closes the connection. */
  async close(): Promise<void> {
    if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => this.#nc.close());
  }

  /**
   * Closes the connection without draining, as a crash would: unacknowledged deliveries come
   * back after their ack wait, in-flight publications may or may not be stored. Also the way to
   * let go of a connection that cannot drain because the bus is away.
   */
  async kill(): Promise<void> {
    await this.#nc.close();
  }
}
