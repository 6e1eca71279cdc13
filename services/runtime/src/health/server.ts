/**
 * The health server of a process (`schakel up`, or a level service on its own), on 127.0.0.1:
 * - `GET /healthz` → 200 `{"status":"alive"}` while the process runs;
 * - `GET /readyz`  → 200 when every component is ready, else 503; the JSON says why, per component
 *   and per hosted organisation (readiness.ts);
 * - `GET /metrics` → the Prometheus text exposition, when the metrics pipeline runs (metrics.ts).
 * Loopback only: it answers anyone who can reach it, and says which organisations run here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProcessMetrics } from "../metrics.ts";
import { observeProcessGauges } from "./process-gauges.ts";
import { processReadiness, type ProcessReadiness, type ReadinessProbe } from "./readiness.ts";

export interface HealthServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface; default 127.0.0.1. */
  host?: string;
  /** Probes by component name (more can be registered later). */
  components?: Record<string, ReadinessProbe>;
  /** Serves `/metrics` (and adds the process gauges) when given. */
  metrics?: Pick<ProcessMetrics, "serve">;
  /** How long one probe may take before it counts as not ready (default 2 000 ms). */
  probeTimeoutMs?: number;
}

export interface HealthServer {
  /** e.g. `http://127.0.0.1:43817` (append /healthz, /readyz, /metrics). */
  url: string;
  port: number;
  /** Adds or replaces a component's probe. */
  register(component: string, probe: ReadinessProbe): void;
  /** The readiness `/readyz` reports now. */
  readiness(): Promise<ProcessReadiness>;
  /** Closes the server (idempotent). */
  stop(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts the health server. Throws an Error naming the address and what to do when it cannot
 * listen (the port is taken).
 */
export async function startHealthServer(opts: HealthServerOptions = {}): Promise<HealthServer> {
  const probes = new Map<string, ReadinessProbe>(Object.entries(opts.components ?? {}));
  const readiness = () => processReadiness(probes, opts.probeTimeoutMs);
  const host = opts.host ?? "127.0.0.1";
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return json(res, 405, { error: `${req.method} is not allowed: use GET` });
    if (path === "/healthz") return json(res, 200, { status: "alive" });
    if (path === "/readyz") {
      void readiness().then((r) => json(res, r.ready ? 200 : 503, r), (err) => json(res, 500, { ready: false, error: String(err) }));
      return;
    }
    if (path === "/metrics" && opts.metrics) return opts.metrics.serve(req, res);
    json(res, 404, { error: `no ${path} here: try /healthz, /readyz${opts.metrics ? " or /metrics" : ""}` });
  };
  const server: Server = createServer(handle);
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve((server.address() as AddressInfo).port));
  }).catch((err: Error) => {
    throw new Error(`the health server cannot listen on ${host}:${opts.port ?? 0} (${err.message}): choose another --health-port, or 0 for a free one`, { cause: err });
  });
  const removeGauges = opts.metrics ? observeProcessGauges(readiness) : () => {};
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    register: (component, probe) => void probes.set(component, probe),
    readiness,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        removeGauges();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
