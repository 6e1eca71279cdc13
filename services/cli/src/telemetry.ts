/**
 * Tracing for one CLI command: when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-specific variable)
 * is set, the command's spans — the `publish` spans of `notice post`, `notice ack`, `signal raise`,
 * `coordination request` — are exported over OTLP, so they join the trace of what the services do
 * with the message. Otherwise nothing is loaded and the command stays fast. `up` runs its own
 * telemetry for its process. The batch is flushed before the process exits.
 */
import type { Command } from "commander";

let running: { shutdown(): Promise<void> } | undefined;

/** Whether the environment asks for OTLP export of traces (the runtime's rule, without loading it). */
const otlpWanted = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());

/** Starts tracing for `command` (a commander preAction hook) when OTLP export is configured. */
export async function startCommandTelemetry(command: Command): Promise<void> {
  if (running || !otlpWanted() || command.name() === "up") return;
  const as = command.opts().as;
  const { startTelemetry } = await import("@schakel/runtime");
  running = await startTelemetry({ serviceName: "schakel-cli", orgs: typeof as === "string" ? [as] : [] });
}

/** Exports what the command traced and stops; call before the process exits. Never throws. */
export async function flushCommandTelemetry(): Promise<void> {
  const t = running;
  running = undefined;
  await t?.shutdown().catch(() => undefined);
}
