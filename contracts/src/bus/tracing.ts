/**
 * Trace context for the bus, interceptor style: handlers contain no tracing code. Spans follow
 * OpenTelemetry's messaging conventions (PRODUCER for send, CONSUMER for process, linked to the
 * producer). Without a registered SDK the API is a no-op; the W3C context is then still carried
 * (same trace id, fresh span ids) so traces stay joinable.
 */
import {
  context as otelContext, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags,
  type Attributes, type Context, type Span, type SpanContext,
} from "@opentelemetry/api";
import { newSpanId, newTraceId } from "../ids.ts";

const tracer = () => trace.getTracer("@schakel/bus", "0.1.0");

export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(tp: string | undefined, tracestate?: string): SpanContext | undefined {
  const m = tp ? TRACEPARENT.exec(tp) : null;
  if (!m) return undefined;
  const sc: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
  return tracestate ? { ...sc, traceState: undefined } : sc;
}

export function formatTraceparent(sc: { traceId: string; spanId: string; traceFlags: number }): string {
  return `00-${sc.traceId}-${sc.spanId}-${sc.traceFlags.toString(16).padStart(2, "0")}`;
}

/** A started span plus the W3C context to put on the wire. */
export interface ActiveSpan {
  span: Span;
  context: Context;
  wire: TraceContext;
  end(error?: unknown): void;
}

function wireOf(span: Span, parent: SpanContext | undefined, tracestate?: string): TraceContext {
  const sc = span.spanContext();
  const recording = span.isRecording() && trace.isSpanContextValid(sc);
  const traceparent = recording
    ? formatTraceparent(sc)
    : formatTraceparent({ traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId(), traceFlags: parent?.traceFlags ?? TraceFlags.SAMPLED });
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

function finish(span: Span) {
  return (error?: unknown): void => {
    if (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    }
    span.end();
  };
}

/** A PRODUCER span for `send <type>`, child of `parent` (the message being answered) or of the active context. */
export function startSendSpan(name: string, attributes: Attributes, parent?: TraceContext): ActiveSpan {
  const parentSc = parseTraceparent(parent?.traceparent);
  const parentCtx = parentSc ? trace.setSpanContext(ROOT_CONTEXT, parentSc) : otelContext.active();
  const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parentCtx);
  const effectiveParent = parentSc ?? trace.getSpanContext(parentCtx);
  return { span, context: trace.setSpan(parentCtx, span), wire: wireOf(span, effectiveParent, parent?.tracestate), end: finish(span) };
}

/**
 * A CONSUMER span for `process <type>`: parent and link are the producer's context, so one
 * notice and everything that answers it form one trace.
 */
export function startProcessSpan(name: string, attributes: Attributes, producer: TraceContext): ActiveSpan {
  const producerSc = parseTraceparent(producer.traceparent);
  const parentCtx = producerSc ? trace.setSpanContext(ROOT_CONTEXT, producerSc) : ROOT_CONTEXT;
  const span = tracer().startSpan(name, {
    kind: SpanKind.CONSUMER,
    attributes,
    links: producerSc ? [{ context: producerSc }] : [],
  }, parentCtx);
  return { span, context: trace.setSpan(parentCtx, span), wire: wireOf(span, producerSc, producer.tracestate), end: finish(span) };
}

/** A fresh W3C context (child of `parent` when given) without starting a span. */
export function wireContext(parent?: TraceContext): TraceContext {
  const parentSc = parseTraceparent(parent?.traceparent) ?? trace.getSpanContext(otelContext.active());
  const traceparent = formatTraceparent({ traceId: parentSc?.traceId ?? newTraceId(), spanId: newSpanId(), traceFlags: parentSc?.traceFlags ?? TraceFlags.SAMPLED });
  return parent?.tracestate ? { traceparent, tracestate: parent.tracestate } : { traceparent };
}

/** Runs `fn` with `ctx` active, so logs and nested publishes see the span. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return otelContext.with(ctx, fn);
}
