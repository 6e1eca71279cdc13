import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import {
  consumeWithLogs, createLogger, fromOrganisations, startHealthServer, startMetrics, startService,
  type HealthServer, type ProcessMetrics, type ServiceDefinition, type ServiceHost,
} from "../src/mod.ts";

/** A service that reads its organisation's inboxes and handles nothing: enough to be bound and caught up. */
const reader: ServiceDefinition = {
  name: "reader",
  description: "reads its inboxes",
  organisations: () => [],
  async start(ctx) {
    const consumption = consumeWithLogs(ctx, {});
    return { stop: () => consumption.stop() };
  },
};

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

const readyz = async (health: HealthServer) => {
  const r = await get(`${health.url}/readyz`);
  return { status: r.status, body: JSON.parse(r.text) };
};

describe("runtime - health server and metrics on a real bus", () => {
  let s: SchakelServer;
  let metrics: ProcessMetrics;
  let host: ServiceHost | undefined;
  let health: HealthServer;

  beforeAll(async () => {
    s = await startSchakelServer();
    metrics = await startMetrics({ serviceName: "schakel-reader", orgs: ["mechelen"] });
    health = await startHealthServer({ metrics, components: { services: () => fromOrganisations(host?.readiness() ?? {}) } });
  });
  afterAll(async () => {
    await host?.stop();
    await health?.stop();
    await metrics?.shutdown();
    await s?.cleanup();
  });

  it("health - /healthz answers alive; /readyz is 503 before the service runs, 200 once its consumers are bound and caught up", async () => {
    expect(health.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const alive = await get(`${health.url}/healthz`);
    expect(alive.status).toBe(200);
    expect(JSON.parse(alive.text)).toEqual({ status: "alive" });
    const before = await readyz(health);
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ ready: false, components: { services: { ready: false } } });

    host = await startService(reader, { orgs: ["mechelen"], dataDir: s.dataDir, server: s.url, logger: createLogger({ service: "reader", level: "silent" }) });
    const ready = await waitFor(async () => {
      const r = await readyz(health);
      return r.status === 200 ? r : undefined;
    }, { what: "/readyz 200 once mechelen's consumers are bound and caught up" });
    expect(ready.body).toEqual({ ready: true, components: { services: { ready: true, organisations: { mechelen: { ready: true } } } } });
    expect((await get(`${health.url}/nowhere`)).status).toBe(404);
  });

  it("health - /readyz turns 503 with the organisation's reason while the nats-server is away, and 200 when it is back", async () => {
    await s.server.stop();
    const down = await waitFor(async () => {
      const r = await readyz(health);
      return r.status === 503 ? r : undefined;
    }, { what: "/readyz 503 after the nats-server stopped" });
    expect(down.body.components.services.organisations.mechelen).toEqual({ ready: false, reason: expect.stringContaining("not connected to the bus") });
    expect(down.body.components.services.reason).toContain("mechelen");

    await s.server.restart();
    const back = await waitFor(async () => {
      const r = await readyz(health);
      return r.status === 200 ? r : undefined;
    }, { what: "/readyz 200 again after the nats-server came back", timeoutMs: 20_000 });
    expect(back.body.components.services.organisations.mechelen).toEqual({ ready: true });
  });

  it("metrics - /metrics serves a Prometheus text exposition with the process's own gauges", async () => {
    const m = await get(`${health.url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.type).toContain("text/plain");
    // Every sample line is `name{labels} value` (or `name value`), every metadata line a `# HELP`/`# TYPE`.
    const lines = m.text.split("\n").filter(Boolean);
    for (const line of lines) expect(line).toMatch(/^(# (HELP|TYPE|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eE]+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (NaN|[+-]Inf))$/);
    expect(m.text).toMatch(/# TYPE schakel_process_ready gauge/);
    expect(m.text).toMatch(/^schakel_process_ready\{[^}]*schakel_component="services"[^}]*\} 1$/m);
    // The resource is the traces' one, merged with the SDK's defaults.
    expect(m.text).toMatch(/^target_info\{[^}]*service_name="schakel-reader"[^}]*telemetry_sdk_language="nodejs"[^}]*\} 1$/m);
    expect(m.text).toMatch(/^schakel_process_uptime(_seconds)?\{[^}]*\} \d+$/m);
    // Its memory, as the process itself counts it (the health server runs in this test's process).
    const memory = (kind: string) => Number(new RegExp(`^schakel_process_memory(_bytes)?\\{[^}]*schakel_memory="${kind}"[^}]*\\} (\\d+)$`, "m").exec(m.text)?.[2]);
    const rss = memory("rss");
    expect(rss).toBeGreaterThan(memory("heap_used"));
    expect(memory("heap_total")).toBeGreaterThanOrEqual(memory("heap_used"));
    expect(memory("external")).toBeGreaterThan(0);
    expect(Math.abs(rss - process.memoryUsage().rss) / rss).toBeLessThan(0.5);
  });
});
