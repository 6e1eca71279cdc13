/**
 * The metrics pipeline of one process (`@opentelemetry/sdk-metrics`): a MeterProvider registered
 * globally at start, before anything connects, so the instruments the bus client, the platform,
 * the auditor and the gate make on first use (meter `schakel`) are recorded from the first message.
 * - Prometheus: a PrometheusExporter without its own server; the health server serves its text
 *   exposition on `/metrics` (health/server.ts).
 * - OTLP/HTTP: a periodic reader, only when OTEL_EXPORTER_OTLP_ENDPOINT or
 *   OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is set.
 * The resource is the traces' one (resource.ts). `shutdown()` flushes (the last OTLP export) and
 * unregisters the provider. Loaded on start, like the tracing SDK: the CLI never pays for it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { processResource, type ProcessIdentity } from "./resource.ts";

export interface MetricsOptions extends ProcessIdentity {
  /** Default process.env; read for the OTLP endpoints. */
  env?: NodeJS.ProcessEnv;
  /** How often the OTLP reader exports, in ms (default 15 000, or OTEL_METRIC_EXPORT_INTERVAL). */
  exportIntervalMs?: number;
}

/** The running metrics of a process. */
export interface ProcessMetrics {
  /** Where the metrics go: always Prometheus (on `/metrics`), OTLP when configured. */
  readonly exporting: readonly ("prometheus" | "otlp")[];
  /** Answers a scrape with the Prometheus text exposition (what the health server's `/metrics` calls). */
  serve(req: IncomingMessage, res: ServerResponse): void;
  /** Exports what is recorded to OTLP now (no-op without OTLP). */
  forceFlush(): Promise<void>;
  /** Flushes, stops the readers and unregisters the provider. Idempotent. */
  shutdown(): Promise<void>;
}

/** True when the environment asks for OTLP export of metrics. */
export function otlpMetricsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim());
}

/**
 * Creates the MeterProvider with its readers and registers it globally. Call once per process,
 * before connecting. Throws when another provider is already registered (two pipelines in one
 * process would split the metrics between them).
 */
export async function startMetrics(opts: MetricsOptions): Promise<ProcessMetrics> {
  const env = opts.env ?? process.env;
  const [{ metrics }, sdk, { PrometheusExporter }] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-metrics"),
    import("@opentelemetry/exporter-prometheus"),
  ]);
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: InstanceType<typeof sdk.PeriodicExportingMetricReader | typeof PrometheusExporter>[] = [prometheus];
  const exporting: ("prometheus" | "otlp")[] = ["prometheus"];
  if (otlpMetricsConfigured(env)) {
    const { OTLPMetricExporter } = await import("@opentelemetry/exporter-metrics-otlp-http");
    const interval = opts.exportIntervalMs ?? (Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 15_000);
    readers.push(new sdk.PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: interval, exportTimeoutMillis: Math.min(interval, 10_000) }));
    exporting.push("otlp");
  }
  const provider = new sdk.MeterProvider({ resource: await processResource(opts), readers });
  if (!metrics.setGlobalMeterProvider(provider)) {
    await provider.shutdown().catch(() => undefined);
    throw new Error("a metrics provider is already registered in this process: start the metrics pipeline once, before anything records");
  }
  let stopped: Promise<void> | undefined;
  return {
    exporting,
    serve: (req, res) => prometheus.getMetricsRequestHandler(req, res),
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        await provider.forceFlush().catch(() => undefined);
        await provider.shutdown().catch(() => undefined);
        metrics.disable();
      })();
      return stopped;
    },
  };
}
