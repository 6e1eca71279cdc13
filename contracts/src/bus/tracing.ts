/**
 * Trace context for the bus, interceptor style: handlers contain no tracing code. Spans follow
 * OpenTelemetry's messaging semantic conventions as the current registry names them
 * (`messaging.system.name`, `messaging.operation.type` send/process, `messaging.operation.name`,
 * `messaging.destination.name`/`.template`, `messaging.consumer.group.name`, `messaging.message.*`):
 * - `publish <destination template>`: a PRODUCER span per message sent; its context is the
 *   message's creation context, carried as W3C `traceparent`/`tracestate` in the NATS headers
 *   and in the signed envelope;
 * - `process <destination template>`: a CONSUMER span per message handled. A message is processed
 *   on its own, so the span is a child of the creation context, and it also links to it (the
 *   conventions' link from consumer to producer, which survives when a backend drops remote
 *   parents);
 * - answers sent by a handler are children of its process span, so a notice, its deliveries,
 *   acknowledgements and escalation form one trace;
 * - a delivery refused before its handler runs gets a `process <stream>` span (startRefusalSpan),
 *   so its dead-letter filing and log line carry the trace too.
 * Without a registered SDK the API is a no-op; the W3C context is then still carried (same trace
 * id, fresh span ids) so traces stay joinable by the trace index.
 */
import {
  context as otelContext, createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags,
  type Attributes, type Context, type Exception, type Span, type SpanContext,
} from "@opentelemetry/api";
import { newSpanId, newTraceId } from "../ids.ts";
import { isSandboxSubject } from "../subjects.ts";
import { destinationTemplate } from "../tracing-subjects.ts";

const tracer = () => trace.getTracer("@schakel/bus", "0.1.0");
/** `messaging.system.name` (the registry's current name; `messaging.system` is deprecated). */
const MESSAGING_SYSTEM = "nats";

/** W3C trace context as it travels with a message. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The remote span context in a traceparent (and tracestate), or undefined when absent or malformed. */
export function parseTraceparent(tp: string | undefined, tracestate?: string): SpanContext | undefined {
  const m = tp ? TRACEPARENT.exec(tp) : null;
  if (!m) return undefined;
  const sc: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
  if (!trace.isSpanContextValid(sc)) return undefined;
  return tracestate ? { ...sc, traceState: createTraceState(tracestate) } : sc;
}

export function formatTraceparent(sc: { traceId: string; spanId: string; traceFlags: number }): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** A started span plus the W3C context to put on the wire. */
export interface ActiveSpan {
  span: Span;
  /** The context with this span active (for nested work, logs and answers). */
  context: Context;
  /** The context to send: this span's ids, or fresh ids in the same trace without an SDK. */
  wire: TraceContext;
  /** Ends the span; with an error, records it and sets status ERROR and `error.type`. */
  end(error?: unknown): void;
}

/** The message a PRODUCER span describes, known before the message is built. */
export interface SendDescription {
  type: string;
  sender: string;
  audience: string;
  /** The server the bus is connected to, `host:port` (`server.address`, `server.port`). */
  server?: string;
}

/** A PRODUCER span, completed with what is only known once the message is built and stored. */
export interface SendSpan extends ActiveSpan {
  /** Records the built message: subject, id, conversation (correlation) id and body size. */
  built(out: { subject: string; body: Uint8Array; envelope: { id: string; correlationid: string } }): void;
  /** Records where JetStream stored it. */
  stored(ack: { stream: string; seq: number; duplicate: boolean }): void;
}

/** A delivery a CONSUMER span describes: what is known of it before its envelope is read. */
interface DeliveryDescription {
  subject: string;
  /** The durable consumer it was pulled from (subscription and consumer group). */
  consumer: string;
  stream: string;
  seq: number;
  deliveryCount: number;
  bodySize: number;
  receiver: string;
  server?: string;
}

/** The message a CONSUMER span describes. */
export interface ProcessDescription extends DeliveryDescription {
  type: string;
  envelope: { id: string; correlationid: string; sender: string; audience: string; traceparent: string; tracestate?: string };
  /** The sandbox name or "handler" when this is a replayed copy. */
  replay?: string;
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
let lastServer: { server: string; attributes: Attributes } | undefined;

/** `server.address` / `server.port` of `host:port`; the last answer is kept (a bus asks per message). */
function serverAttributes(server?: string): Attributes {
  if (!server) return NO_ATTRIBUTES;
  if (lastServer?.server === server) return lastServer.attributes;
  const m = /^(?:nats:\/\/)?(.+?)(?::(\d+))?$/.exec(server);
  const attributes: Attributes = !m ? NO_ATTRIBUTES : Object.freeze(m[2] === undefined ? { "server.address": m[1]! } : { "server.address": m[1]!, "server.port": Number(m[2]) });
  lastServer = { server, attributes };
  return attributes;
}

/** `recording`: whether the span records (asked when it starts, in case the wire is made after it ends). */
function wireOf(span: Span, parent: SpanContext | undefined, tracestate?: string, recording = span.isRecording()): TraceContext {
  const sc = span.spanContext();
  const own = recording && trace.isSpanContextValid(sc);
  const traceparent = own
    ? formatTraceparent(sc)
    : formatTraceparent({ traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId(), traceFlags: parent?.traceFlags ?? TraceFlags.SAMPLED });
  const state = tracestate ?? parent?.traceState?.serialize();
  return state ? { traceparent, tracestate: state } : { traceparent };
}

function finish(span: Span) {
  return (error?: unknown): void => {
    if (error) {
      const err = error as { name?: string; code?: unknown; message?: string };
      span.recordException(error instanceof Error ? error : typeof error === "object" ? (error as Exception) : String(error));
      span.setAttribute("error.type", typeof err.code === "string" ? err.code : err.name ?? "Error");
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message ?? String(error) });
    }
    span.end();
  };
}

/** The parent for a new span: the given wire context, else the active span (if it is valid). */
function parentOf(parent?: TraceContext): { ctx: Context; sc: SpanContext | undefined } {
  const remote = parseTraceparent(parent?.traceparent, parent?.tracestate);
  if (remote) {
    // Within one process the parent span is usually the active one: keep it as a local parent.
    const active = trace.getSpanContext(otelContext.active());
    if (active && active.spanId === remote.spanId && active.traceId === remote.traceId) return { ctx: otelContext.active(), sc: active };
    return { ctx: trace.setSpanContext(ROOT_CONTEXT, remote), sc: remote };
  }
  const active = trace.getSpanContext(otelContext.active());
  return { ctx: otelContext.active(), sc: active && trace.isSpanContextValid(active) ? active : undefined };
}

/**
 * A PRODUCER span `publish <template>` for one message, child of `parent` (the message being
 * answered, or a flow span's wire context) or else of the active span.
 */
export function startSendSpan(message: SendDescription, parent?: TraceContext): SendSpan {
  const { ctx, sc } = parentOf(parent);
  const template = destinationTemplate(message.type);
  const span = tracer().startSpan(`publish ${template}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      "messaging.system.name": MESSAGING_SYSTEM,
      "messaging.operation.type": "send",
      "messaging.operation.name": "publish",
      "messaging.destination.template": template,
      "schakel.message.type": message.type,
      "schakel.sender": message.sender,
      "schakel.audience": message.audience,
      ...serverAttributes(message.server),
    },
  }, ctx);
  return {
    span,
    context: trace.setSpan(ctx, span),
    wire: wireOf(span, sc, parent?.tracestate),
    end: finish(span),
    // A span that does not record ignores attributes: skip building them (no SDK, or not sampled).
    built(out) {
      if (!span.isRecording()) return;
      span.setAttributes({
        "messaging.destination.name": out.subject,
        "messaging.message.id": out.envelope.id,
        "messaging.message.conversation_id": out.envelope.correlationid,
        "messaging.message.body.size": out.body.length,
      });
    },
    stored(ack) {
      if (!span.isRecording()) return;
      span.setAttributes({ "schakel.stream": ack.stream, "schakel.stream.sequence": ack.seq, "schakel.duplicate": ack.duplicate });
    },
  };
}

/**
 * A CONSUMER span `process <template>` for one message: child of, and linked to, the producer's
 * creation context, so one notice and everything that answers it form one trace.
 */
export function startProcessSpan(message: ProcessDescription): ActiveSpan {
  const { envelope } = message;
  const template = destinationTemplate(message.type, message.replay && isSandboxSubject(message.subject) ? message.replay : undefined);
  return consumerSpan(`process ${template}`, message, { traceparent: envelope.traceparent, ...(envelope.tracestate ? { tracestate: envelope.tracestate } : {}) }, {
    "messaging.destination.template": template,
    "messaging.message.id": envelope.id,
    "messaging.message.conversation_id": envelope.correlationid,
    "schakel.message.type": message.type,
    "schakel.sender": envelope.sender,
    "schakel.audience": envelope.audience,
    ...(message.replay ? { "schakel.replay": message.replay } : {}),
  }, envelope.id);
}

/** A delivery refused before (or instead of) its handler: what is known without a valid envelope. */
export interface RefusalDescription extends DeliveryDescription {
  /** The trace context in the message's NATS headers, when it carries one. */
  trace?: TraceContext;
}

/**
 * The CONSUMER span `process <stream>` of a delivery that is refused before a handler runs
 * (it cannot be decoded, its signature fails, it was delivered too often): the refusal, its
 * dead-letter filing and its log line happen inside it, child of the sender's context when the
 * headers carry one. The caller ends it with the rejection (status ERROR, `error.type` = reason).
 */
export function startRefusalSpan(delivery: RefusalDescription): ActiveSpan {
  return consumerSpan(`process ${delivery.stream}`, delivery, delivery.trace, {});
}

/** A CONSUMER span for one delivery: child of, and linked to, the producer's context in `trace`. */
function consumerSpan(name: string, d: Omit<RefusalDescription, "trace">, wireTrace: TraceContext | undefined, attributes: Attributes, messageId?: string): ActiveSpan {
  const producer = parseTraceparent(wireTrace?.traceparent, wireTrace?.tracestate);
  const parentCtx = producer ? trace.setSpanContext(ROOT_CONTEXT, producer) : ROOT_CONTEXT;
  const span = tracer().startSpan(name, {
    kind: SpanKind.CONSUMER,
    attributes: {
      "messaging.system.name": MESSAGING_SYSTEM,
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": d.subject,
      "messaging.destination.subscription.name": d.consumer,
      "messaging.consumer.group.name": d.consumer,
      "messaging.message.body.size": d.bodySize,
      "schakel.receiver": d.receiver,
      "schakel.stream": d.stream,
      "schakel.stream.sequence": d.seq,
      "schakel.delivery.attempt": d.deliveryCount,
      ...attributes,
      ...serverAttributes(d.server),
    },
    links: producer ? [{ context: producer, attributes: messageId ? { "messaging.message.id": messageId } : {} }] : [],
  }, parentCtx);
  // The wire context is what a handler's answers carry: drawn when the first answer asks for it
  // (most messages are not answered), the same for every answer.
  let wire: TraceContext | undefined;
  const recording = span.isRecording();
  return {
    span,
    context: trace.setSpan(parentCtx, span),
    get wire() {
      return (wire ??= wireOf(span, producer, wireTrace?.tracestate, recording));
    },
    end: finish(span),
  };
}

/**
 * An INTERNAL span for one business operation that sends several messages (e.g. a notice posted
 * to three audiences): pass its `wire` as the `trace` option of each publish so that every copy,
 * and everything answering them, lands in one trace, with or without an SDK.
 */
export function startFlowSpan(name: string, attributes: Attributes = {}, parent?: TraceContext): ActiveSpan {
  const { ctx, sc } = parentOf(parent);
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes }, ctx);
  return { span, context: trace.setSpan(ctx, span), wire: wireOf(span, sc, parent?.tracestate), end: finish(span) };
}

/** A fresh W3C context (child of `parent`, else of the active span) without starting a span. */
export function wireContext(parent?: TraceContext): TraceContext {
  const { sc } = parentOf(parent);
  const traceparent = formatTraceparent({ traceId: sc?.traceId ?? newTraceId(), spanId: newSpanId(), traceFlags: sc?.traceFlags ?? TraceFlags.SAMPLED });
  const state = parent?.tracestate ?? sc?.traceState?.serialize();
  return state ? { traceparent, tracestate: state } : { traceparent };
}

/** Runs `fn` with `ctx` active, so logs and nested publishes see the span. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return otelContext.with(ctx, fn);
}
