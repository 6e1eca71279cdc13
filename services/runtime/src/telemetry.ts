/**
 * OpenTelemetry for one service process (`@opentelemetry/sdk-node`). The bus makes the spans
 * (publish/process, messaging conventions); this module gives them somewhere to go:
 * - a resource naming the service, its organisation(s) and level;
 * - an AsyncLocalStorage context manager, so the span a handler runs in stays active across its
 *   awaits (answers become its children, log lines carry its ids);
 * - OTLP/HTTP export only when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-specific variable) is
 *   set; otherwise spans are still made (valid ids for logs and propagation) and dropped;
 * - tests pass an exporter (e.g. InMemorySpanExporter), exported synchronously on span end.
 * Metrics and OTel logs are not configured here: the SDK would default them to OTLP as well.
 * The SDK is loaded on start, not on import: it pulls in every exporter and takes over a second
 * to load, which processes that only import the runtime (the CLI) should not pay.
 */
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { LEVELS } from "@schakel/contracts";

export interface TelemetryOptions {
  /** `service.name`, e.g. `schakel-local`. */
  serviceName: string;
  /** The organisation(s) this process runs (`schakel.organisation`). */
  orgs: string[];
  /** `schakel.level`; default: the level named in the service name (`schakel-flemish` → flemish). */
  level?: string;
  /** Where spans go instead of OTLP (tests: an InMemorySpanExporter); exported on span end. */
  exporter?: SpanExporter;
  /** Default process.env; read for OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  env?: NodeJS.ProcessEnv;
}

/** The running telemetry of a process. */
export interface ServiceTelemetry {
  /** Where finished spans go. */
  readonly exporting: "otlp" | "exporter" | "none";
  readonly resource: Record<string, string | string[]>;
  /** Exports what is buffered (OTLP batches) without stopping. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; call last, after the bus is drained. Idempotent. */
  shutdown(): Promise<void>;
}

/** True when the environment asks for OTLP export of traces. */
export function otlpConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

function levelOf(opts: TelemetryOptions): string | undefined {
  if (opts.level) return opts.level;
  return (LEVELS as readonly string[]).find((l) => opts.serviceName === l || opts.serviceName.endsWith(`-${l}`));
}

/**
 * Starts the SDK and registers it globally (tracer provider, W3C propagator, context manager).
 * Call once per process, before connecting; one process is one service. Never throws for a
 * missing collector: OTLP export failures are retried and dropped by the exporter.
 */
export async function startTelemetry(opts: TelemetryOptions): Promise<ServiceTelemetry> {
  const env = opts.env ?? process.env;
  const [{ NodeSDK }, base, { resourceFromAttributes }, { AsyncLocalStorageContextManager }, semconv] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  const level = levelOf(opts);
  const resource: Record<string, string | string[]> = {
    [semconv.ATTR_SERVICE_NAME]: opts.serviceName,
    [semconv.ATTR_SERVICE_VERSION]: "0.1.0",
    "schakel.organisation": opts.orgs.length === 1 ? opts.orgs[0]! : [...opts.orgs],
    ...(level ? { "schakel.level": level } : {}),
  };
  let exporting: ServiceTelemetry["exporting"];
  let processor: SpanProcessor;
  if (opts.exporter) {
    exporting = "exporter";
    processor = new base.SimpleSpanProcessor(opts.exporter);
  } else if (otlpConfigured(env)) {
    exporting = "otlp";
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    processor = new base.BatchSpanProcessor(new OTLPTraceExporter());
  } else {
    // Spans still need a provider: their ids are what log lines and answers refer to.
    exporting = "none";
    processor = new base.NoopSpanProcessor();
  }
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    resource: resourceFromAttributes(resource),
    contextManager: new AsyncLocalStorageContextManager(),
    spanProcessors: [processor],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    exporting,
    resource,
    forceFlush: () => processor.forceFlush(),
    shutdown() {
      stopped ??= sdk.shutdown().catch(() => undefined);
      return stopped;
    },
  };
}
