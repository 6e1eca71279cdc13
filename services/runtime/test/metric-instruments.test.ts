/**
 * The catalog's instruments record at the real places, on a real bus: a MeterProvider with an
 * in-memory reader is registered globally (as `startMetrics` does in a process), then messages
 * are sent, processed, retried and dead-lettered, a consumer is asked for its lag and the
 * consumer gate refuses a request. The names are the OpenTelemetry messaging conventions' ones.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { metrics } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import * as semconv from "@opentelemetry/semantic-conventions/incubating";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audienceFilter, cachedSample, countMetric, feedConsumerName, inboxConsumers, inboxPrefix, METRIC_ATTRIBUTES as A, METRICS, observeGauge, sampleData, STREAMS } from "@schakel/contracts";
import { HandlerRefusal, type Bus } from "@schakel/contracts/bus";
import { observeLeafLinks } from "@schakel/infra";
import { startLeafPair, startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { observeConsumerLag } from "../src/consumer-lag.ts";

/** A reader collected on demand (what a Prometheus scrape does). */
class TestReader extends MetricReader {
  protected onForceFlush = async (): Promise<void> => {};
  protected onShutdown = async (): Promise<void> => {};
}

interface Point {
  attributes: Record<string, unknown>;
  value: number;
}

/** The data points of one metric: counter and gauge values, or a histogram's count. */
async function points(reader: TestReader, name: string): Promise<Point[]> {
  const { resourceMetrics }: { resourceMetrics: ResourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: typeof p.value === "number" ? p.value : (p.value as { count: number }).count }));
}

const sum = (ps: Point[], match: Record<string, unknown>): number =>
  ps.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v)).reduce((n, p) => n + p.value, 0);

describe("metrics - instruments on a real bus", () => {
  let reader: TestReader;
  let provider: MeterProvider;
  let s: SchakelServer;
  let vvsg: Bus;
  let mechelen: Bus;

  beforeAll(async () => {
    reader = new TestReader();
    provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    s = await startSchakelServer();
    vvsg = await s.connectAs("vvsg");
    mechelen = await s.connectAs("mechelen");
  });
  afterAll(async () => {
    await s?.cleanup();
    await provider?.shutdown();
    metrics.disable();
  });

  it("metrics - the catalog uses the OpenTelemetry messaging conventions' metric and attribute names", () => {
    expect(METRICS.sent.name).toBe(semconv.METRIC_MESSAGING_CLIENT_SENT_MESSAGES);
    expect(METRICS.consumed.name).toBe(semconv.METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES);
    expect(METRICS.processDuration.name).toBe(semconv.METRIC_MESSAGING_PROCESS_DURATION);
    expect(METRICS.publishDuration.name).toBe(semconv.METRIC_MESSAGING_CLIENT_OPERATION_DURATION);
    expect([A.system, A.operation, A.consumer, A.error]).toEqual([
      semconv.ATTR_MESSAGING_SYSTEM_NAME, semconv.ATTR_MESSAGING_OPERATION_NAME, semconv.ATTR_MESSAGING_CONSUMER_GROUP_NAME, semconv.ATTR_ERROR_TYPE,
    ]);
  });

  it("metrics - sends, processing, a retry and a dead letter are recorded by type, organisation and reason", async () => {
    let failures = 0;
    const c = mechelen.consume({
      handlers: {
        "knowledge.shared": (d) => {
          if (d.data.title === "refused") throw new HandlerRefusal("not for us");
          if (d.data.title === "flaky" && failures++ === 0) throw new Error("first run fails");
        },
      },
    });
    try {
      for (const title of ["fine", "flaky", "refused"]) await vvsg.publish("knowledge.shared", { ...sampleData("knowledge.shared"), title }, { to: "mechelen" });
      const type = { [A.type]: "knowledge.shared" };
      await waitFor(async () => sum(await points(reader, METRICS.deadLettered.name), { ...type, [A.organisation]: "mechelen" }) === 1
        && sum(await points(reader, METRICS.consumed.name), { ...type, [A.outcome]: "processed" }) === 2, { timeoutMs: 15_000, what: "two processed, one dead-lettered" });
      expect(sum(await points(reader, METRICS.sent.name), { ...type, [A.organisation]: "vvsg", [A.operation]: "publish", [A.system]: "nats" })).toBe(3);
      expect(sum(await points(reader, METRICS.publishDuration.name), { ...type, [A.organisation]: "vvsg" })).toBe(3);
      expect(sum(await points(reader, METRICS.retried.name), { ...type, [A.organisation]: "mechelen", [A.reason]: "handler-failed" })).toBe(1);
      expect(sum(await points(reader, METRICS.deadLettered.name), { ...type, [A.reason]: "handler-refused" })).toBe(1);
      expect(sum(await points(reader, METRICS.processDuration.name), { ...type, [A.organisation]: "mechelen", [A.consumer]: "mechelen--mechelen" })).toBe(2);
      const consumed = await points(reader, METRICS.consumed.name);
      expect(sum(consumed, { ...type, [A.outcome]: "retry" })).toBe(1);
      expect(sum(consumed, { ...type, [A.outcome]: "rejected" })).toBe(1);
      // Bounded labels: no message id, subject or free text in any attribute value.
      for (const p of consumed) expect(Object.keys(p.attributes).sort()).toEqual([A.consumer, A.organisation, A.outcome, A.system, A.operation, A.type].sort());
    } finally {
      await c.stop();
    }
  });

  it("metrics - consumer lag and the connection are gauges per organisation and durable, sampled at most once per interval", async () => {
    await vvsg.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "mechelen" });
    const remove = observeConsumerLag(mechelen, inboxConsumers("mechelen", "local"), 60_000);
    try {
      const pending = await points(reader, METRICS.consumerPending.name);
      expect(sum(pending, { [A.organisation]: "mechelen", [A.consumer]: "mechelen--mechelen" })).toBe(1);
      expect(pending.map((p) => p.attributes[A.consumer]).sort()).toEqual(inboxConsumers("mechelen", "local").map((c) => c.name).sort());
      expect(sum(await points(reader, METRICS.connected.name), { [A.organisation]: "mechelen" })).toBe(1);
      // Within the sample interval a new message does not change the answer: the scrape did not ask the bus again.
      await vvsg.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "mechelen" });
      expect(sum(await points(reader, METRICS.consumerPending.name), { [A.consumer]: "mechelen--mechelen" })).toBe(1);
    } finally {
      remove();
    }
  });

  it("metrics - cachedSample takes one sample per interval however often it is read", async () => {
    let taken = 0;
    const sample = cachedSample(async () => ++taken, 60_000);
    const remove = observeGauge({ name: "test.sampled", kind: "gauge", unit: "1", description: "test" }, async (observe) => observe(await sample()));
    for (let i = 0; i < 3; i++) expect(await points(reader, "test.sampled")).toEqual([{ attributes: {}, value: 1 }]);
    remove();
    expect(taken).toBe(1);
  });

  it("metrics - the consumer gate's refusals are counted by tenant and reason", async () => {
    const jsm = await jetstreamManager(await s.rawAs("mechelen"));
    const name = feedConsumerName("mechelen", 1);
    await expect(jsm.consumers.add(STREAMS.coord.name, { name, filter_subject: audienceFilter("mechelen"), deliver_subject: `${inboxPrefix("mechelen")}.push` })).rejects.toThrow(/consumer gate/);
    expect(sum(await points(reader, METRICS.gateRefusals.name), { [A.organisation]: "mechelen", [A.reason]: "request-refused" })).toBe(1);
  });

  it("metrics - a leaf link that drops shows as missing on the hub's /leafz gauges, and connected again when it is back", async () => {
    const pair = await startLeafPair();
    const remove = observeLeafLinks({ monitorUrl: pair.hub.server.monitorUrl!, sampleMs: 0 });
    try {
      // nats-server 2.9 names no remote in /leafz: the link is labelled with its account ($G without accounts).
      const gauges = async () => ({ links: await points(reader, METRICS.leafLinks.name), missing: await points(reader, METRICS.leafLinksMissing.name) });
      expect(await gauges()).toEqual({ links: [{ attributes: { [A.leaf]: "$G" }, value: 1 }], missing: [{ attributes: { [A.leaf]: "$G" }, value: 0 }] });
      await pair.cut();
      expect(await gauges()).toEqual({ links: [{ attributes: { [A.leaf]: "$G" }, value: 0 }], missing: [{ attributes: { [A.leaf]: "$G" }, value: 1 }] });
      await pair.restore();
      expect((await gauges()).missing).toEqual([{ attributes: { [A.leaf]: "$G" }, value: 0 }]);
    } finally {
      remove();
      await pair.cleanup();
    }
  });

  it("metrics - instruments follow a provider registered after their first use (no no-op meter kept)", async () => {
    metrics.disable();
    countMetric(METRICS.escalationsRaised, { [A.organisation]: "gent" }); // no provider: a no-op
    const late = new TestReader();
    const lateProvider = new MeterProvider({ readers: [late] });
    metrics.setGlobalMeterProvider(lateProvider);
    countMetric(METRICS.escalationsRaised, { [A.organisation]: "gent" });
    expect(sum(await points(late, METRICS.escalationsRaised.name), { [A.organisation]: "gent" })).toBe(1);
    await lateProvider.shutdown();
    metrics.disable();
    metrics.setGlobalMeterProvider(provider);
  });
});
