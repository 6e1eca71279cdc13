/**
 * OpenTelemetry for one service process (`@opentelemetry/sdk-node`). The bus makes the spans
 * (publish/process, messaging conventions); this module gives them somewhere to go:
 * - a resource naming the service, its organisation(s) and level, merged with the SDK's defaults
 *   (`telemetry.sdk.*`) and what the process and environment say (resource.ts, shared with metrics);
 * - an AsyncLocalStorage context manager, so the span a handler runs in stays active across its
 *   awaits (answers become its children, log lines carry its ids);
 * - OTLP/HTTP export only when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-specific variable) is
 *   set; otherwise spans are still made (valid ids for logs and propagation) and dropped;
 * - tests pass an exporter (e.g. InMemorySpanExporter), exported synchronously on span end.
 * Metrics are set up by metrics.ts (Prometheus on the health server, OTLP when configured); OTel
 * logs are not configured: the SDK would default them to OTLP as well.
 * The SDK is loaded on start, not on import: it pulls in every exporter and takes over a second
 * to load, which processes that only import the runtime (the CLI) should not pay.
 */
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { processResource, schakelAttributes, type ProcessIdentity } from "./resource.ts";

export interface TelemetryOptions extends ProcessIdentity {
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

/**
 * Starts the SDK and registers it globally (tracer provider, W3C propagator, context manager).
 * Call once per process, before connecting; one process is one service. Never throws for a
 * missing collector: OTLP export failures are retried and dropped by the exporter.
 */
export async function startTelemetry(opts: TelemetryOptions): Promise<ServiceTelemetry> {
  const env = opts.env ?? process.env;
  const [{ NodeSDK }, base, { AsyncLocalStorageContextManager }, resource, fullResource] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/context-async-hooks"),
    schakelAttributes(opts),
    processResource(opts),
  ]);
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
    // Merged, not replaced: a resource given to the SDK replaces its default one (and with it
    // `telemetry.sdk.*`), so processResource starts from the default and detects the rest itself.
    resource: fullResource,
    autoDetectResources: false,
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
