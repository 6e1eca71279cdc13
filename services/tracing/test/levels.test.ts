/**
 * One notice across the three levels, with the real services on their own connections: the
 * federal service (fed-ocam) posts to mechelen and vilvoorde, the local service (mechelen)
 * confirms delivery and an official acknowledges, vilvoorde runs no service, and the Flemish
 * platform (vpr) escalates the missing acknowledgement. Every span comes from the bus's own
 * instrumentation, exported to an in-memory exporter; every log line from the services' pino
 * loggers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { traceIdOf } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { postNotice } from "@schakel/organisation";
import { createLogger, startService, startTelemetry, type ServiceHost, type ServiceTelemetry } from "@schakel/runtime";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { localService } from "@schakel/local";
import { acknowledgeNotice, receivedNotices } from "@schakel/organisation";
import { buildFlow, connectOperator, loadStored, lookupTrace, orgsFrom, renderFlow, startTraceIndexer, visibleWidth, waitForIndex, type TraceIndexer } from "../src/mod.ts";

type LogLine = { service: string; org?: string; msg: string; message_id?: string; trace_id?: string; span_id?: string };

describe("traceability across the levels", () => {
  const exporter = new InMemorySpanExporter();
  const logs: LogLine[] = [];
  const destination = { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) };
  let telemetry: ServiceTelemetry;
  let s: SchakelServer;
  let hosts: ServiceHost[] = [];
  let indexer: TraceIndexer;

  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName: "schakel-levels-test", orgs: ["fed-ocam", "vpr", "mechelen"], exporter });
    s = await startSchakelServer();
    indexer = await startTraceIndexer(await s.connectAs("vpr"));
    const common = { dataDir: s.dataDir, server: s.url };
    hosts = await Promise.all([
      startService(federalService, { ...common, orgs: ["fed-ocam"], logger: createLogger({ service: "federal", level: "debug", destination }) }),
      startService(flemishService, { ...common, orgs: ["vpr"], options: { tickMs: 100 }, logger: createLogger({ service: "flemish", level: "debug", destination }) }),
      startService(localService, { ...common, orgs: ["mechelen"], logger: createLogger({ service: "local", level: "debug", destination }) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    await indexer?.stop();
    await telemetry?.shutdown();
    await s?.cleanup();
  });

  it("traces - a notice, its deliveries, acknowledgement and escalation form one trace with the right parents and links, in spans and logs", async () => {
    const [federal, , local] = hosts as [ServiceHost, ServiceHost, ServiceHost];
    const posted = await postNotice(federal.bus("fed-ocam"), {
      to: ["mechelen", "vilvoorde"], title: "Updated threat assessment for public events", body: "The threat level stays at 2.", category: "threat-assessment",
      ackBy: new Date(Date.now() + 2_500),
    });
    await waitFor(async () => (await receivedNotices(local.bus("mechelen"), { pending: true })).some((n) => n.noticeId === posted.noticeId), { what: "the notice at mechelen" });
    await acknowledgeNotice(local.bus("mechelen"), { noticeId: posted.noticeId, by: "coordinating official" });
    const spans = () => exporter.getFinishedSpans();
    const processed = (type: string, by: string) => spans().some((sp) => sp.kind === SpanKind.CONSUMER && sp.attributes["schakel.message.type"] === type && sp.attributes["schakel.receiver"] === by);
    await waitFor(() => processed("escalation.raised", "fed-ocam"), { timeoutMs: 20_000, what: "fed-ocam to process the escalation" });
    const op = await connectOperator({ servers: s.url, seed: s.identities.admin.seed });
    await waitForIndex(op.connection, "vpr");

    // The stored messages of the trace, from the index and the streams.
    const trace = await lookupTrace(indexer.index, posted.noticeId);
    expect(trace?.traceId).toBe(posted.traceId);
    const types = trace!.entries.map((e) => `${e.type} ${e.sender}→${e.audience}`);
    expect(types).toEqual(expect.arrayContaining(["notice.posted fed-ocam→mechelen", "notice.posted fed-ocam→vilvoorde", "notice.delivered mechelen→fed-ocam",
      "notice.acknowledged mechelen→fed-ocam", "escalation.raised vpr→fed-ocam", "escalation.raised vpr→vilvoorde"]));
    expect(types).toHaveLength(6);
    const stored = (await loadStored(op.connection, trace!.entries)).messages.map((m) => JSON.parse(new TextDecoder().decode(m.body)) as { id: string; type: string; causationid?: string; traceparent: string });
    await op.close();
    // Wait until every service processed what it was sent (the platform reads all of it).
    const consumers = (m: { id: string }) => spans().filter((sp) => sp.kind === SpanKind.CONSUMER && sp.attributes["messaging.message.id"] === m.id);
    await waitFor(() => stored.every((m) => consumers(m).some((sp) => sp.attributes["schakel.receiver"] === "vpr")), { what: "the platform to process every message" });

    const all = spans();
    const byId = new Map(all.map((sp) => [sp.spanContext().spanId, sp]));
    // ONE trace: every span the services made belongs to the notice's trace.
    expect(new Set(all.map((sp) => sp.spanContext().traceId))).toEqual(new Set([posted.traceId]));
    const roots = all.filter((sp) => !sp.parentSpanContext);
    expect(roots.map((sp) => [sp.name, sp.kind])).toEqual([["post notice", SpanKind.INTERNAL]]);
    // No phantom parents: every parent is an exported span.
    for (const sp of all) if (sp.parentSpanContext) expect(byId.has(sp.parentSpanContext.spanId), `parent of ${sp.name}`).toBe(true);

    const producerOf = new Map<string, ReadableSpan>();
    for (const m of stored) {
      const producers = all.filter((sp) => sp.kind === SpanKind.PRODUCER && sp.attributes["messaging.message.id"] === m.id);
      expect(producers, `one producer span for ${m.type}`).toHaveLength(1);
      const p = producers[0]!;
      producerOf.set(m.id, p);
      // The message carries its producer span's context on the wire.
      expect(m.traceparent).toBe(`00-${posted.traceId}-${p.spanContext().spanId}-01`);
      expect(p.attributes).toMatchObject({ "messaging.system.name": "nats", "messaging.operation.type": "send", "messaging.destination.template": expect.stringMatching(/^coord\.\{audience\}\.\{sender\}\./) });
    }
    for (const m of stored) {
      const parent = byId.get(producerOf.get(m.id)!.parentSpanContext!.spanId)!;
      if (!m.causationid) {
        expect(parent.name).toBe("post notice");
        continue;
      }
      // An answer is a child of the processing of what it answers (a handler's reply), or of
      // that message's producer span when an official answers later (acknowledgement, escalation).
      const cause = producerOf.get(m.causationid)!;
      const ok = parent === cause || (parent.kind === SpanKind.CONSUMER && parent.attributes["messaging.message.id"] === m.causationid);
      expect(ok, `${m.type} answers ${m.causationid} and descends from ${parent.name}`).toBe(true);
    }
    // Each processing: a CONSUMER span, child of and linked to the producer of its message.
    const processing = all.filter((sp) => sp.kind === SpanKind.CONSUMER);
    expect(processing.length).toBeGreaterThanOrEqual(stored.length + 4);
    for (const c of processing) {
      const p = producerOf.get(String(c.attributes["messaging.message.id"]))!;
      expect(c.parentSpanContext?.spanId).toBe(p.spanContext().spanId);
      expect(c.links.map((l) => l.context.spanId)).toEqual([p.spanContext().spanId]);
      expect(c.attributes).toMatchObject({ "messaging.operation.type": "process", "messaging.consumer.group.name": expect.any(String) });
    }
    expect(processing.filter((c) => c.attributes["schakel.receiver"] === "mechelen").map((c) => c.attributes["schakel.message.type"])).toContain("notice.posted");
    expect(processing.filter((c) => c.attributes["schakel.receiver"] === "fed-ocam").map((c) => c.attributes["schakel.message.type"]).sort())
      .toEqual(["escalation.raised", "notice.acknowledged", "notice.delivered"]);

    // Log lines about these messages carry the trace id and the span id of their processing.
    const ids = new Set(stored.map((m) => m.id));
    const about = logs.filter((l) => l.message_id && ids.has(l.message_id));
    expect(new Set(about.map((l) => l.service))).toEqual(new Set(["federal", "flemish", "local"]));
    for (const l of about) {
      expect(l.trace_id).toBe(posted.traceId);
      const span = byId.get(l.span_id!);
      expect(span?.attributes["messaging.message.id"]).toBe(l.message_id);
      expect(span?.attributes["schakel.receiver"]).toBe(l.org);
    }

    // The flow as `schakel trace` draws it: three lanes, six messages, vilvoorde's acknowledgement missing.
    const flow = buildFlow(trace!.traceId, trace!.entries, orgsFrom(s.directory));
    expect(flow.obligations.map((o) => [o.owedBy, o.state, o.escalated !== undefined])).toEqual([["mechelen", "acknowledged", false], ["vilvoorde", "overdue", true]]);
    const text = renderFlow(flow);
    expect(Math.max(...text.split("\n").map(visibleWidth))).toBeLessThanOrEqual(80);
    expect(text).toMatch(/local\s+flemish\s+federal\s+message/);
    expect(text).toMatch(/vilvoorde\s+not delivered\s+MISSING, escalated/);
    expect(traceIdOf(stored[0]!.traceparent)).toBe(posted.traceId);
  });
});
