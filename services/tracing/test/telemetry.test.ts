/**
 * Service telemetry: OTLP export only when OTEL_EXPORTER_OTLP_ENDPOINT is set (checked with a
 * real OTLP/HTTP receiver on a random port), the resource naming service, organisation and level,
 * and span ids for log lines even when nothing is exported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, trace } from "@opentelemetry/api";
import { sampleData } from "@schakel/contracts";
import { startFlowSpan, withContext, type Published } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { createLogger, startTelemetry } from "@schakel/runtime";

interface OtlpAttribute { key: string; value: { stringValue?: string } }
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: { name: string; kind: number; traceId: string }[] }[] }[];
}

describe("telemetry", () => {
  let s: SchakelServer;
  let receiver: Server;
  let endpoint: string;
  const received: { path: string; contentType: string; body: string }[] = [];

  beforeAll(async () => {
    s = await startSchakelServer();
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ path: req.url ?? "", contentType: String(req.headers["content-type"]), body });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    await new Promise((r) => receiver?.close(r));
    await s?.cleanup();
  });

  it("telemetry - with OTEL_EXPORTER_OTLP_ENDPOINT, a service's publish spans go over OTLP with service, organisation and level", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    const telemetry = await startTelemetry({ serviceName: "schakel-local", orgs: ["mechelen"] });
    expect(telemetry.exporting).toBe("otlp");
    const mechelen = await s.connectAs("mechelen");
    const sent = await mechelen.publish("signal.raised", sampleData("signal.raised"), { to: "vpr" });
    await telemetry.forceFlush();
    const request = await waitFor(() => received.find((r) => r.path === "/v1/traces"), { what: "an OTLP export" });
    expect(request.contentType).toContain("application/json");
    const body = JSON.parse(request.body) as OtlpExport;
    const resource = Object.fromEntries(body.resourceSpans[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
    expect(resource).toMatchObject({ "service.name": "schakel-local", "schakel.organisation": "mechelen", "schakel.level": "local" });
    const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans));
    expect(spans.map((sp) => [sp.name, sp.kind, sp.traceId])).toContainEqual(["publish coord.{audience}.{sender}.signal.raised", 4, sent.traceId]);
    await telemetry.shutdown();
    // One SDK per process: unregister it so the next test can start another.
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it("telemetry - without an endpoint nothing is exported, and log lines still get the active span's ids", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const before = received.length;
    const telemetry = await startTelemetry({ serviceName: "schakel-flemish", orgs: ["vpr", "onderwijs"] });
    expect(telemetry.exporting).toBe("none");
    expect(telemetry.resource).toMatchObject({ "schakel.organisation": ["vpr", "onderwijs"], "schakel.level": "flemish" });
    const lines: { trace_id?: string; span_id?: string }[] = [];
    const log = createLogger({ service: "flemish", destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
    const flow = startFlowSpan("post notice");
    await withContext(flow.context, async () => {
      await new Promise((r) => setTimeout(r, 5)); // the context survives an await
      log.info("inside the flow");
    });
    flow.end();
    await telemetry.forceFlush();
    await telemetry.shutdown();
    expect(lines[0]).toMatchObject({ trace_id: flow.span.spanContext().traceId, span_id: flow.span.spanContext().spanId });
    expect(flow.wire.traceparent).toBe(`00-${flow.span.spanContext().traceId}-${flow.span.spanContext().spanId}-01`);
    expect(received.length).toBe(before);
  });

  it("telemetry - traceparent and tracestate travel in the NATS headers and the envelope, and on to the answers", async () => {
    const [ocam, mechelen] = await Promise.all([s.connectAs("fed-ocam"), s.connectAs("mechelen")]);
    const trace = { traceparent: `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01`, tracestate: "schakel=demo,vendor=x1" };
    const posted = await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen", trace });
    let answered: Published | undefined;
    const c = mechelen.consume({
      handlers: { "notice.posted": async (d) => void (d.envelope.id === posted.id && (answered = await d.reply("notice.delivered", { noticeId: d.data.noticeId, recipient: "mechelen", deliveredAt: new Date().toISOString() }, { to: "fed-ocam" }))) },
    });
    await waitFor(() => answered, { what: "the answer" });
    await c.stop();
    const jsm = await s.jsm();
    for (const p of [posted, answered!]) {
      const stored = (await jsm.streams.getMessage(p.stream, { seq: p.seq }))!;
      const env = stored.json<{ traceparent: string; tracestate?: string }>();
      expect(stored.header.get("traceparent")).toBe(env.traceparent);
      expect(stored.header.get("tracestate")).toBe("schakel=demo,vendor=x1");
      expect(env.tracestate).toBe("schakel=demo,vendor=x1");
      expect(env.traceparent).toMatch(new RegExp(`^00-${"ab".repeat(16)}-[0-9a-f]{16}-01$`));
    }
  });
});
