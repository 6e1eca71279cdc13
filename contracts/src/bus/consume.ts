/**
 * Consuming: each of the organisation's inbox consumers is pulled in order; every message is
 * decoded and verified (decode.ts) before a typed handler sees it. Refused messages go to the
 * dead-letter stream with the reason; a throwing handler is retried with backoff and dead-lettered
 * after the consumer's max_deliver, unless it refuses the message for good (a HandlerRefusal, or
 * any SchakelError that is not retryable): that one is dead-lettered at once, as handler-refused;
 * later messages keep flowing.
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { DataOf, InputOf, MessageType } from "../catalog.ts";
import { traceIdOf, type Envelope } from "../envelope.ts";
import { isRetryable } from "../errors.ts";
import { inboxConsumers, type InboxConsumer } from "../streams.ts";
import { isSandboxSubject } from "../subjects.ts";
import { AckBatch } from "./ack-batch.ts";
import { meteredEvents } from "./bus-metrics.ts";
import { failuresText, HandlerAttempts, REDELIVERY_LIMIT } from "./attempts.ts";
import type { Bus, Published } from "./bus.ts";
import { deadLetter } from "./dead-letter.ts";
import { deliveryOf } from "./delivery.ts";
import { interceptHandlers, type InboundInterceptor } from "./interceptors.ts";
import type { Outgoing, PublishOptions } from "./outgoing.ts";
import { MemoryProcessedStore, type ProcessedStore } from "./processed.ts";
import { readStream, StreamRead } from "./read-stream.ts";
import { SideBySide } from "./side-by-side.ts";
import { HandlerRefusal, reject, type Rejection } from "./rejection.ts";
import { headerOf, type Verdict } from "./stored-message.ts";
import { HEADERS } from "./headers.ts";
import { transportOf } from "./transport.ts";
import { startProcessSpan, startRefusalSpan, withContext, type ActiveSpan } from "./tracing.ts";

/** What a handler receives: typed, validated, verified. */
export interface Delivery<T extends MessageType = MessageType> {
  type: T;
  envelope: Envelope<DataOf<T>>;
  data: DataOf<T>;
  subject: string;
  stream: string;
  seq: number;
  deliveryCount: number;
  storedAt: Date;
  /** Set when this is a replayed copy (sandbox name or "handler"). */
  replay?: string;
  /**
   * Publishes an answer: causation, correlation and trace parent are taken from this message. For a
   * replayed copy the answer is validated and signed but not sent (`stream` "", `seq` 0).
   */
  reply<R extends MessageType>(type: R, data: InputOf<R>, opts: Omit<PublishOptions, "inReplyTo">): Promise<Published>;
}

export type Handler<T extends MessageType> = (delivery: Delivery<T>) => Promise<void> | void;
export type Handlers = { [T in MessageType]?: Handler<T> };

export type ConsumeEvent =
  | { kind: "processed"; type: MessageType; id: string; consumer: string; seq: number; ms: number }
  | { kind: "ignored" | "duplicate"; type: MessageType; id: string; consumer: string; seq: number }
  | { kind: "retry"; type: MessageType; id: string; consumer: string; seq: number; attempt: number; error: string }
  | { kind: "rejected"; consumer: string; seq: number; subject: string; rejection: Rejection; filed: boolean }
  | { kind: "consumer-error"; consumer: string; error: string };

export interface ConsumeOptions {
  handlers: Handlers;
  /**
   * Around every handler run, first one outermost (see interceptors.ts): cross-cutting behaviour
   * such as logging or bookkeeping, without touching the handlers.
   */
  interceptors?: readonly InboundInterceptor[];
  /** Default: the organisation's inbox consumers (itself, its level, all, its case inbox). */
  consumers?: InboxConsumer[];
  processed?: ProcessedStore;
  /** Accept replayed (sandbox) copies; live services refuse them. */
  replayMode?: boolean;
  onEvent?: (event: ConsumeEvent) => void;
  /** Messages pulled per request (default 100). */
  batch?: number;
  /**
   * Attempts before a failing handler's message is dead-lettered (default: the consumer's
   * max_deliver when it has one, else 5). Counted by the consumer, see attempts.ts.
   */
  maxDeliver?: number;
  /**
   * Deliveries without an acknowledgement after which a message is filed as unreadable without
   * running its handler (default 500, see attempts.ts): bounds a handler that stops its process.
   */
  redeliveryLimit?: number;
  /**
   * Lifetime of each pull request in ms (default 10 000). A pull lost with a leaf link or a
   * cluster node is noticed by missed heartbeats (two of half this) and pulled again, so this
   * bounds how long a consumer stalls after such a loss.
   */
  expiresMs?: number;
  /**
   * Verify a backlog's signatures in the crypto pool's worker threads, ahead of the handlers
   * (default true; see read-stream.ts and crypto-pool.ts). Handlers still run one at a time in
   * stream order (but for `independent` types); false verifies every message on the event-loop thread.
   */
  verifyInWorkers?: boolean;
  /**
   * Types whose handlers only change a record of the message's own (e.g. one recipient's receipt)
   * and may run twice without a second effect: they may be handled side by side, up to
   * `sideBySide` at once (side-by-side.ts); every other type still waits for all before it, so
   * the order of effects changes only among these. Their ids are not kept in the processed store:
   * a redelivery runs the handler again, to no further effect. Default: none, one at a time.
   */
  independent?: readonly MessageType[];
  /** How many independent messages of one consumer at most are handled at once (default 64). */
  sideBySide?: number;
}

export interface Consumption {
  stop(): Promise<void>;
  /** Resolves once every consumer loop has stopped. */
  closed: Promise<void>;
  /** Each consumer read, for readiness probes: bound at the server now, and whether it has read its backlog once. */
  bindings(): ConsumerBinding[];
}

/** One consumer of a consumption, as a readiness probe sees it. */
export interface ConsumerBinding {
  stream: string;
  name: string;
  /** Opened at the server and not interrupted since. */
  bound: boolean;
  /** Nothing was waiting for it once since it started (its start-up backlog is read). */
  caughtUp: boolean;
}

/** What `reply` returns for a replayed copy: the answer it would have sent (`stream` empty, `seq` 0). */
const unsentAnswer = async (out: Outgoing): Promise<Published> => ({
  id: out.envelope.id, subject: out.subject, stream: "", seq: 0, duplicate: false, traceId: traceIdOf(out.envelope.traceparent), envelope: out.envelope as Envelope,
});

/**
 * A delivery's `reply`: causation, correlation and trace parent from the message and its span. An
 * answer to a replayed copy is built (validated, signed) but never sent: a replay has no live
 * effects. (Made here rather than inline so that no per-message name is attached to it under tsx.)
 */
function replier(bus: Bus, envelope: Envelope, span: ActiveSpan, unsent: boolean): Delivery["reply"] {
  return (t, d, o) => (unsent ? unsentAnswer(bus.prepare(t, d, { ...o, inReplyTo: envelope, trace: span.wire })) : bus.publish(t, d, { ...o, inReplyTo: envelope, trace: span.wire }));
}

/**
 * Independent messages of one consumer handled at once at most, by default. Each waits on a bucket
 * write or two; at 600 organisations the platform's receipts of one notice (589 at once) were
 * recorded at about 300 a second with 16 under way, and its record was complete 0.7–1.0 s after
 * the last receipt with 64, 1.2–1.5 s with 16 (notices after the first; BENCHMARKS.md).
 */
const SIDE_BY_SIDE = 64;

const backoffMs = (attempt: number): number => Math.min(200 * 2 ** (attempt - 1), 10_000);

export function consume(bus: Bus, opts: ConsumeOptions): Consumption {
  const consumers = opts.consumers ?? inboxConsumers(bus.org, bus.directory.require(bus.org).level);
  const processed = opts.processed ?? new MemoryProcessedStore();
  // Every event is counted (bus-metrics.ts) before it reaches the caller's sink.
  const emit = meteredEvents(bus.org, opts.onEvent ?? (() => {}));
  // Composed once: a message costs nothing extra when there are no interceptors.
  const handlers = interceptHandlers(opts.handlers, opts.interceptors);
  let stopped = false;
  const stops: (() => void)[] = [];
  // Acks of handled messages leave together at the end of the event loop's turn (ack-batch.ts).
  const acks = new AckBatch((err, m) => emit({
    kind: "consumer-error", consumer: m.info.consumer,
    error: `could not acknowledge ${m.info.stream}#${m.seq} after handling it (it comes back and is found processed): ${(err as Error)?.message ?? err}`,
  }));

  /** One consumer being read: its name, the broker's max_deliver (0: none) and its attempts ledger. */
  interface Reading {
    consumer: string;
    serverMaxDeliver: number;
    attempts: HandlerAttempts;
  }
  const keyOf = (m: JsMsg): string => `${m.info.stream}#${m.seq}`;
  const independent = new Set<string>(opts.independent ?? []);

  async function handle(m: JsMsg, r: Reading, verdict: Verdict): Promise<void> {
    const { consumer } = r;
    if (m.info.deliveryCount > (opts.redeliveryLimit ?? REDELIVERY_LIMIT)) {
      return refuse(m, r, reject("unreadable", `delivered ${m.info.deliveryCount} times without an acknowledgement (a handler that stops its process, or a link that keeps dropping)`));
    }
    const key = keyOf(m);
    const exhausted = r.attempts.exhausted(key);
    // Its attempts are used up and its filing failed before: file it now, without another attempt.
    if (exhausted) return refuse(m, r, reject(exhausted.reason, failuresText(exhausted)));
    // Decoded by the reader (stored-message.ts), replayed copies refused unless in replay mode.
    if (!verdict.ok) return refuse(m, r, verdict.rejection);
    const { type, envelope, replay } = verdict;
    const base = { type, id: envelope.id, consumer, seq: m.seq };
    // An independent type's handler changes nothing when it runs again: its ids are not recorded
    // as processed (two bus round trips and a stored id per message saved, e.g. 589 per notice).
    const once = !independent.has(type);
    if (once && (await processed.has(envelope.id))) {
      r.attempts.clear(key);
      acks.ack(m);
      return emit({ kind: "duplicate", ...base });
    }
    const handler = handlers[type] as Handler<MessageType> | undefined;
    if (!handler) {
      acks.ack(m);
      return emit({ kind: "ignored", ...base });
    }
    const started = performance.now();
    const span = startProcessSpan({
      type, subject: m.subject, consumer, stream: m.info.stream, seq: m.seq, deliveryCount: m.info.deliveryCount,
      bodySize: m.data.length, envelope, receiver: bus.org, server: bus.server, ...(replay ? { replay } : {}),
    });
    const delivery = deliveryOf(verdict, { subject: m.subject, stream: m.info.stream, seq: m.seq, deliveryCount: m.info.deliveryCount },
      replier(bus, envelope, span, Boolean(replay || isSandboxSubject(m.subject))));
    try {
      await withContext(span.context, () => handler(delivery));
    } catch (err) {
      const error = (err as Error)?.message ?? String(err);
      // A handler that says trying again cannot help (HandlerRefusal, or any SchakelError that is
      // not retryable) has its message filed at once, without another attempt; the filing and its
      // log line happen inside the message's span, which ends with the error.
      if (!isRetryable(err)) {
        const reason = err instanceof HandlerRefusal ? err.reason : "handler-refused";
        return fileInSpan(span, err, m, r, reject(reason, failuresText(r.attempts.refused(keyOf(m), { what: `handler for ${type}`, error, reason }))));
      }
      const failures = r.attempts.failed(keyOf(m), { what: `handler for ${type}`, error, reason: "handler-failed" });
      const attempt = failures.count;
      if (attempt >= r.attempts.maxAttempts) return fileInSpan(span, err, m, r, reject("handler-failed", failuresText(failures)));
      span.end(err);
      m.nak(backoffMs(attempt));
      return withContext(span.context, () => emit({ kind: "retry", ...base, attempt, error }));
    }
    span.end();
    // The effect is done: acknowledge even when the processed store cannot record it, rather
    // than retry a handler that succeeded.
    try {
      if (once) await processed.add(envelope.id);
    } catch (err) {
      emit({ kind: "consumer-error", consumer, error: `could not record ${envelope.id} as processed: ${(err as Error)?.message ?? err}` });
    }
    r.attempts.clear(key);
    acks.ack(m);
    // Reported inside the message's span, so a log line about it carries its trace and span ids.
    withContext(span.context, () => emit({ kind: "processed", ...base, ms: performance.now() - started }));
  }

  /** Files a refusal inside `span` (so its log line carries the trace), then ends the span with `error`. */
  async function fileInSpan(span: ActiveSpan, error: unknown, m: JsMsg, r: Reading, rejection: Rejection): Promise<void> {
    try {
      await withContext(span.context, () => file(m, r, rejection));
    } finally {
      span.end(error);
    }
  }

  /** A delivery refused before its handler: filed inside its own process span, which ends with the rejection. */
  function refuse(m: JsMsg, r: Reading, rejection: Rejection): Promise<void> {
    const tp = headerOf(m.headers, HEADERS.traceparent);
    const ts = headerOf(m.headers, HEADERS.tracestate);
    const span = startRefusalSpan({
      subject: m.subject, consumer: r.consumer, stream: m.info.stream, seq: m.seq, deliveryCount: m.info.deliveryCount,
      bodySize: m.data.length, receiver: bus.org, server: bus.server, ...(tp ? { trace: { traceparent: tp, ...(ts ? { tracestate: ts } : {}) } } : {}),
    });
    return fileInSpan(span, { name: "Rejection", code: rejection.reason, message: rejection.detail }, m, r, rejection);
  }

  /**
   * Files a refusal; on the broker's last allowed delivery (consumers with a server-side
   * max_deliver) it retries in place (see dead-letter.ts).
   */
  async function file(m: JsMsg, r: Reading, rejection: Rejection): Promise<void> {
    const filed = await deadLetter(bus, m, r.consumer, rejection, {
      lastDelivery: r.serverMaxDeliver > 0 && m.info.deliveryCount >= r.serverMaxDeliver,
      stopping: () => stopped,
      onFailure: (error) => emit({ kind: "consumer-error", consumer: r.consumer, error }),
    });
    if (filed) r.attempts.clear(keyOf(m));
    emit({ kind: "rejected", consumer: r.consumer, seq: m.seq, subject: m.subject, rejection, filed });
  }

  /** Reads one consumer through the bus client's read path (read-stream.ts) until stopped. */
  function run(c: InboxConsumer): Promise<void> {
    let r: Reading | undefined;
    const lanes = new SideBySide(opts.sideBySide ?? SIDE_BY_SIDE);
    const binding: ConsumerBinding = { stream: c.stream, name: c.name, bound: false, caughtUp: false };
    bindings.push(binding);
    const reading = readStream(bus, {
      consumer: c, verify: { replays: opts.replayMode === true }, batch: opts.batch ?? 100, expiresMs: opts.expiresMs ?? 10_000, verifyInWorkers: opts.verifyInWorkers !== false,
      onOpen: ({ maxDeliver, pending }) => {
        binding.bound = true;
        if (pending === 0) binding.caughtUp = true;
        r ??= { consumer: c.name, serverMaxDeliver: maxDeliver, attempts: new HandlerAttempts(opts.maxDeliver ?? (maxDeliver || 5)) };
        r.serverMaxDeliver = maxDeliver;
      },
      onInterrupted: (error) => {
        binding.bound = false;
        acks.flush();
        emit({ kind: "consumer-error", consumer: c.name, error });
      },
    }, async (read) => {
      const m = StreamRead.jsMsgOf(read);
      const verdict = read.verdict!;
      await lanes.run(verdict.ok && independent.has(verdict.type), async () => {
        try {
          await handle(m, r!, verdict);
          if (read.pending === 0) binding.caughtUp = true;
        } catch (err) {
          // Unexpected (e.g. the processed store is unreachable): not the message's fault, so
          // try again later; only a message that keeps failing is filed as unreadable.
          const error = `could not process ${c.stream}#${m.seq}: ${(err as Error)?.message ?? err}`;
          const failures = r!.attempts.failed(keyOf(m), { what: `processing ${c.stream}#${m.seq}`, error: (err as Error)?.message ?? String(err), reason: "unreadable" });
          if (failures.count >= r!.attempts.maxAttempts) await refuse(m, r!, reject("unreadable", failuresText(failures)));
          else {
            m.nak(backoffMs(failures.count));
            emit({ kind: "consumer-error", consumer: c.name, error });
          }
        }
      });
    });
    stops.push(() => reading.stop());
    if (stopped) reading.stop();
    return reading.closed
      .then(() => lanes.settled().catch((err: unknown) => emit({ kind: "consumer-error", consumer: c.name, error: `while stopping: ${(err as Error)?.message ?? err}` })))
      .finally(() => acks.flush());
  }

  const bindings: ConsumerBinding[] = [];
  const closed = Promise.all(consumers.map(run)).then(() => undefined);
  return {
    closed,
    bindings: () => bindings.map((b) => ({ ...b })),
    async stop() {
      stopped = true;
      acks.flush();
      for (const s of stops) s();
      await closed;
      acks.flush();
      // The last acks and the end of the pulls reach the broker before stop resolves: a stopped
      // consumption takes no message stored after it (its pull requests die with their interest).
      const { nc } = transportOf(bus);
      if (!nc.isClosed()) await nc.flush().catch(() => undefined);
    },
  };
}
