/**
 * Where tracing plugs into a service process. The OpenTelemetry SDK set-up lives in
 * `telemetry.ts` (owned by tracing); when that module exists and exports
 * `startTelemetry({ serviceName, orgs })` returning `{ shutdown() }`, every service process
 * calls it before connecting and shuts it down last. Without it, the OpenTelemetry API is a
 * no-op and messages still carry W3C trace context (see the bus's tracing).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Telemetry {
  shutdown(): Promise<void>;
}

export type StartTelemetry = (opts: { serviceName: string; orgs: string[] }) => Promise<Telemetry> | Telemetry;

const noTelemetry: Telemetry = { shutdown: async () => {} };

/** Starts the process's telemetry if `telemetry.ts` provides it; otherwise a no-op. */
export async function startProcessTelemetry(serviceName: string, orgs: string[]): Promise<Telemetry> {
  const url = new URL("./telemetry.ts", import.meta.url);
  if (!existsSync(fileURLToPath(url))) return noTelemetry;
  const mod = (await import(url.href)) as { startTelemetry?: StartTelemetry };
  if (typeof mod.startTelemetry !== "function") return noTelemetry;
  return mod.startTelemetry({ serviceName: `schakel-${serviceName}`, orgs });
}
