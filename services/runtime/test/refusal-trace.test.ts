import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { messageSubject, sampleData } from "@schakel/contracts";
import { HandlerRefusal } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { consumeWithLogs, createLogger, startService, startTelemetry, type ServiceDefinition, type ServiceHost, type ServiceTelemetry } from "../src/mod.ts";

/** Refuses every notice for good: its message goes to the dead letters at once. */
const refusing: ServiceDefinition = {
  name: "refusing",
  description: "refuses every notice",
  organisations: () => [],
  async start(ctx) {
    const consumption = consumeWithLogs(ctx, {
      "notice.posted": (d) => {
        throw new HandlerRefusal(`notice ${d.data.noticeId} names no known case`);
      },
    });
    return { stop: () => consumption.stop() };
  },
};

describe("runtime - refusals are traced", () => {
  let s: SchakelServer;
  let telemetry: ServiceTelemetry;
  let host: ServiceHost;
  const exporter = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    s = await startSchakelServer();
    telemetry = await startTelemetry({ serviceName: "schakel-refusing", orgs: ["mechelen"], exporter });
    const destination = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    host = await startService(refusing, { orgs: ["mechelen"], dataDir: s.dataDir, server: s.url, logger: createLogger({ service: "refusing", level: "info", destination }) });
  });
  afterAll(async () => {
    await host?.stop();
    await telemetry?.shutdown();
    await s?.cleanup();
  });

  const refusedLine = (seq: number) => lines.find((l) => l.msg === "message refused and dead-lettered" && l.seq === seq);

  it("refusal - a handler's refusal is filed and logged inside the message's process span, which ends with an error", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const sent = await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const line = await waitFor(() => refusedLine(sent.seq), { what: "the refusal's log line" });
    const span = exporter.getFinishedSpans().find((sp) => sp.kind === SpanKind.CONSUMER && sp.attributes["messaging.message.id"] === sent.id)!;
    expect(line).toMatchObject({ reason: "handler-refused", filed: true, trace_id: sent.traceId, span_id: span.spanContext().spanId });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("refused");
  });

  it("refusal - a message refused before any handler (not JSON, no trace context) gets its own process span, and its log line that span's ids", async () => {
    const raw = await s.rawAs("fed-ocam");
    raw.publish(messageSubject("notice.posted", "mechelen", "fed-ocam"), new TextEncoder().encode("{not json"));
    const line = await waitFor(() => lines.find((l) => l.msg === "message refused and dead-lettered" && l.reason === "malformed-json"), { what: "the malformed message's refusal line" });
    const span = exporter.getFinishedSpans().find((sp) => sp.spanContext().spanId === line.span_id)!;
    expect(line).toMatchObject({ trace_id: span.spanContext().traceId, filed: true });
    expect(span).toMatchObject({ name: "process COORD", kind: SpanKind.CONSUMER });
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ "error.type": "malformed-json", "messaging.system.name": "nats", "messaging.consumer.group.name": "mechelen--mechelen" });
  });
});
