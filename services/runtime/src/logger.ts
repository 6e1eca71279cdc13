/**
 * Service logs: pino, one JSON object per line, with `org`, `service`, the level as a word and
 * the `trace_id`/`span_id` of the active OpenTelemetry span, so a log line can be found from a
 * trace and the other way round. When no tracing SDK is registered (no context propagation)
 * handlers bind the ids of the message they process instead, via {@link messageLogger}.
 */
import { trace } from "@opentelemetry/api";
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from "pino";
import { parseTraceparent } from "@schakel/contracts/bus";

export type { Logger };

export interface LoggerOptions {
  service: string;
  org?: string;
  /** Default: SCHAKEL_LOG_LEVEL, else "info". */
  level?: LevelWithSilent;
  /** Default: stdout. Tests pass a stream that collects lines. */
  destination?: DestinationStream;
}

/** Trace fields of the active span, or none when there is no valid span. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const sc = trace.getActiveSpan()?.spanContext();
  if (!sc || !trace.isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId };
}

/** Trace fields of a message: its traceparent's trace id and span id. */
export function messageTraceFields(envelope: { traceparent: string }): { trace_id?: string; span_id?: string } {
  const sc = parseTraceparent(envelope.traceparent);
  return sc ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Creates the root logger of a service process (or of one organisation instance). */
export function createLogger(opts: LoggerOptions): Logger {
  const envLevel = process.env.SCHAKEL_LOG_LEVEL;
  const level = opts.level ?? (envLevel && LEVELS.has(envLevel) ? (envLevel as LevelWithSilent) : "info");
  return pino(
    {
      level,
      base: { service: opts.service, ...(opts.org ? { org: opts.org } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A child logger that was bound to a message's trace keeps those ids; otherwise the active span's.
      mixin: (_obj, _level, logger) => ("trace_id" in logger.bindings() ? {} : activeTraceFields()),
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * A child logger for work on one message: bound to the active span when a tracing SDK
 * propagates one, else to the message's own trace context.
 */
export function messageLogger(log: Logger, envelope: { traceparent: string; id: string; type: string; sender: string }): Logger {
  const active = activeTraceFields();
  const traceFields = active.trace_id ? active : messageTraceFields(envelope);
  return log.child({ ...traceFields, message_id: envelope.id, type: envelope.type, from: envelope.sender });
}
