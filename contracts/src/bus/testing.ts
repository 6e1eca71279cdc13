/**
 * Handler tests without a server (`@schakel/contracts/bus/testing`). `TestBus` runs a handler set
 * the way a consumption does — messages built and signed by the real sending code, verified by
 * the real decode path (`verifyStored`, what every consumer uses), the handler behind its inbound
 * interceptors, duplicates recognised by the processed store — and records what the handlers
 * send instead of sending it. A forged or badly addressed message is refused here exactly as in
 * production, with the same reason.
 *
 * What needs a server stays in integration tests: consumer filters (the double delivers whatever
 * it is given; handlers see messages not addressed to them as they would on a group consumer),
 * retries, dead letters, acknowledgements, KV state.
 */
import { createCurve, createUser } from "@nats-io/nkeys";
import type { InputOf, MessageType } from "../catalog.ts";
import { traceIdOf, type Envelope } from "../envelope.ts";
import { isRetryable } from "../errors.ts";
import type { Directory, Organisation } from "../organisation.ts";
import { streamOfRoot } from "../streams.ts";
import { parseMessageSubject } from "../subjects.ts";
import type { Published } from "./bus.ts";
import type { ConsumeOptions, Consumption, Handler, Handlers } from "./consume.ts";
import type { OrgCredentials } from "./credentials.ts";
import { deliveryOf } from "./delivery.ts";
import { KeyDirectory } from "./directory.ts";
import { DEFAULT_SKEW_MS } from "./clock-skew.ts";
import { CLOUDEVENTS_JSON, HEADERS } from "./headers.ts";
import { identityFrom, type Identity } from "./identity.ts";
import { chain, interceptHandlers, type BusInterceptors } from "./interceptors.ts";
import { buildOutgoing, type Outgoing, type PublishOptions } from "./outgoing.ts";
import { MemoryProcessedStore, type ProcessedStore } from "./processed.ts";
import type { Rejection } from "./rejection.ts";
import { encodeSignature, signingBytes } from "./signature.ts";
import { verifyStored, type StoredHeaders } from "./stored-message.ts";
import { wireContext } from "./tracing.ts";

export { memoryRecordStore } from "./memory-records.ts";

const dec = new TextDecoder();
const enc = new TextEncoder();

/** A message as it reaches a consumer: subject, body, headers (an `Outgoing` is one). */
export interface IncomingMessage {
  subject: string;
  body: Uint8Array;
  headers?: StoredHeaders | undefined;
}

/** Organisations with fresh keys held in memory, and the key directory that knows them. */
export interface TestOrganisations {
  directory: KeyDirectory;
  credentials(org: string): OrgCredentials;
  identity(org: string): Identity;
  /** The message `from` would send: validated, stamped and signed by the real sending code. */
  message<T extends MessageType>(from: string, type: T, data: InputOf<T>, opts: PublishOptions): Outgoing<T>;
  /** A hand-made message: `envelope` serialised as given and signed by `signer` for `subject`. */
  signed(signer: string, subject: string, envelope: object): IncomingMessage;
}

/**
 * Gives every organisation (e.g. the registry's) a new signing and sealing key, valid from `since`.
 * @throws SchakelError from `credentials`/`identity` for an organisation not in the list.
 */
export function testOrganisations(organisations: readonly Organisation[], since = new Date(0)): TestOrganisations {
  const credentials = new Map<string, OrgCredentials>();
  const entries: Directory["organisations"] = [];
  for (const org of organisations) {
    const user = createUser();
    const curve = createCurve();
    credentials.set(org.id, { org: org.id, seed: dec.decode(user.getSeed()), curveSeed: dec.decode(curve.getSeed()) });
    entries.push({ ...org, signingKeys: [{ key: user.getPublicKey(), createdAt: since.toISOString() }], sealingKey: curve.getPublicKey() });
  }
  const directory = new KeyDirectory({ generatedAt: since.toISOString(), organisations: entries });
  const credentialsOf = (org: string): OrgCredentials => {
    directory.require(org); // names the organisation and lists the known ones
    return credentials.get(org)!;
  };
  const identities = new Map<string, Identity>();
  const identity = (org: string): Identity => {
    let id = identities.get(org);
    if (!id) identities.set(org, (id = identityFrom(credentialsOf(org))));
    return id;
  };
  return {
    directory,
    credentials: credentialsOf,
    identity,
    message: (from, type, data, opts) => buildOutgoing(identity(from), directory, type, data, opts, opts.trace ?? wireContext(opts.inReplyTo)),
    signed(signer, subject, envelope) {
      const body = enc.encode(JSON.stringify(envelope));
      const signature = encodeSignature(identity(signer).sign(signingBytes(subject, body)));
      // The headers a sender of this envelope would set, so only what the test made wrong is wrong.
      const fields = envelope as { id?: unknown; traceparent?: unknown };
      const values: Record<string, string> = { [HEADERS.contentType]: CLOUDEVENTS_JSON, [HEADERS.signature]: signature };
      if (typeof fields.id === "string") values[HEADERS.msgId] = fields.id;
      if (typeof fields.traceparent === "string") values[HEADERS.traceparent] = fields.traceparent;
      return { subject, body, headers: { get: (n) => values[n] ?? "", values: (n) => (values[n] ? [values[n]] : []), keys: () => Object.keys(values) } };
    },
  };
}

/** What became of one delivered message (the consumption's events, as data). */
export type DeliveryOutcome =
  | { kind: "processed"; type: MessageType; envelope: Envelope; sent: Published[] }
  /** The handler threw: a consumer retries it when `retryable`, else dead-letters it at once (handler-refused). */
  | { kind: "failed"; type: MessageType; envelope: Envelope; error: unknown; retryable: boolean; sent: Published[] }
  | { kind: "ignored" | "duplicate"; type: MessageType; envelope: Envelope }
  | { kind: "rejected"; rejection: Rejection };

export interface TestBusOptions {
  org: string;
  organisations: TestOrganisations;
  /** As `connectBus({ interceptors })`: around every send; the send itself is recorded, not made. */
  interceptors?: BusInterceptors;
  /** Clock tolerance of the decode path (default 5 min, as the bus). */
  skewMs?: number;
}

/** A bus for handler tests: deliveries decoded as a consumer decodes them, sends recorded. */
export class TestBus {
  readonly org: string;
  readonly identity: Identity;
  readonly directory: KeyDirectory;
  readonly skewMs: number;
  /** Everything this bus sent (publications and replies), in order; a resent id is kept once. */
  readonly sent: Published[] = [];
  readonly #send: (out: Outgoing) => Promise<Published>;
  #consuming: { handlers: Handlers; processed: ProcessedStore } | undefined;
  #delivered = 0;

  constructor(opts: TestBusOptions) {
    this.org = opts.org;
    this.identity = opts.organisations.identity(opts.org);
    this.directory = opts.organisations.directory;
    this.skewMs = opts.skewMs ?? DEFAULT_SKEW_MS;
    this.#send = chain(opts.interceptors?.outbound ?? [], async (out) => this.#record(out));
  }

  /** As `Bus.pseudonymOf`: this organisation's pseudonym of one of its persons. */
  pseudonymOf(personId: string): string {
    return this.identity.pseudonymOf(personId);
  }

  /** As `Bus.prepare`: builds, validates and signs without sending. */
  prepare<T extends MessageType>(type: T, data: InputOf<T>, opts: PublishOptions): Outgoing<T> {
    return buildOutgoing(this.identity, this.directory, type, data, opts, opts.trace ?? wireContext(opts.inReplyTo));
  }

  /** As `Bus.publish`, recorded in `sent`. Throws what `Bus.publish` throws before sending. */
  publish<T extends MessageType>(type: T, data: InputOf<T>, opts: PublishOptions): Promise<Published> {
    return this.send(this.prepare(type, data, opts));
  }

  /** As `Bus.send`: through the outbound interceptors, then recorded in `sent`. */
  send(out: Outgoing): Promise<Published> {
    return this.#send(out);
  }

  /** As `Bus.consume`: later deliveries run these handlers behind these interceptors. */
  consume(opts: Pick<ConsumeOptions, "handlers" | "interceptors" | "processed">): Consumption {
    const consuming = { handlers: interceptHandlers(opts.handlers, opts.interceptors), processed: opts.processed ?? new MemoryProcessedStore() };
    this.#consuming = consuming;
    const stop = async (): Promise<void> => {
      if (this.#consuming === consuming) this.#consuming = undefined;
    };
    return { stop, closed: Promise.resolve(), bindings: () => [] };
  }

  /**
   * Delivers one message as a consumer would, stored at `storedAt` (default now): refused with
   * the decode path's reason, a duplicate, ignored (no handler), or handled. Never throws for the
   * message's sake: a throwing handler comes back as `failed`.
   * @throws Error when nothing is consuming (call `consume` first).
   */
  async deliver(message: IncomingMessage, opts: { storedAt?: Date; deliveryCount?: number } = {}): Promise<DeliveryOutcome> {
    const consuming = this.#consuming;
    if (!consuming) throw new Error(`the test bus of "${this.org}" has no handlers: call consume({ handlers }) before deliver()`);
    const verdict = verifyStored(this, { subject: message.subject, body: message.body, headers: message.headers, storedAt: opts.storedAt ?? new Date() });
    if (!verdict.ok) return { kind: "rejected", rejection: verdict.rejection };
    const { type, envelope } = verdict;
    if (await consuming.processed.has(envelope.id)) return { kind: "duplicate", type, envelope };
    const handler = consuming.handlers[type] as Handler<MessageType> | undefined;
    if (!handler) return { kind: "ignored", type, envelope };
    const delivery = deliveryOf(verdict, {
      subject: message.subject, stream: streamOfRoot(parseMessageSubject(message.subject).root), seq: ++this.#delivered, deliveryCount: opts.deliveryCount ?? 1,
    }, (t, d, o) => this.publish(t, d, { ...o, inReplyTo: envelope }));
    const before = this.sent.length;
    try {
      await handler(delivery);
    } catch (error) {
      return { kind: "failed", type, envelope, error, retryable: isRetryable(error), sent: this.sent.slice(before) };
    }
    await consuming.processed.add(envelope.id);
    return { kind: "processed", type, envelope, sent: this.sent.slice(before) };
  }

  /** The stream's side of a send: stored once per id (a resend is a duplicate), numbered in order. */
  #record(out: Outgoing): Published {
    const stored = this.sent.find((p) => p.id === out.envelope.id);
    if (stored) return { ...stored, duplicate: true };
    const published: Published = {
      id: out.envelope.id, subject: out.subject, stream: streamOfRoot(parseMessageSubject(out.subject).root), seq: this.sent.length + 1,
      duplicate: false, traceId: traceIdOf(out.envelope.traceparent), envelope: out.envelope as Envelope,
    };
    this.sent.push(published);
    return published;
  }
}
