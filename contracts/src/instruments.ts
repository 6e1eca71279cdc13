/**
 * Recording the catalog's metrics (`metrics.ts`) on the global OpenTelemetry MeterProvider, meter
 * `schakel`. Instruments are made on first use and remade when the global provider changes: a
 * meter taken before a process registers its provider would stay a no-op for ever, so nothing is
 * cached at import time. Without a registered provider every call is a cheap no-op.
 *
 * Gauges are observed when the provider collects (a scrape): `observeGauge` adds a source and
 * returns the function that removes it, so several organisations in one process each add their own.
 */
import { metrics, type Attributes, type Counter, type Histogram, type Meter, type MeterProvider } from "@opentelemetry/api";
import type { MetricDefinition } from "./metrics.ts";

export const METER_NAME = "schakel";

/** Bucket boundaries in seconds for the duration histograms (the messaging conventions' advice). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Reports one gauge value with its attributes. */
export type Observe = (value: number, attributes?: Attributes) => void;
/** A gauge source: called at every collection; report each series with `observe`. */
export type GaugeSource = (observe: Observe) => void | Promise<void>;

type Definition = Pick<MetricDefinition, "name" | "kind" | "unit" | "description">;

let provider: MeterProvider | undefined;
let meter: Meter | undefined;
let counters = new Map<string, Counter>();
let histograms = new Map<string, Histogram>();
let observed = new Set<string>();
const sources = new Map<string, { def: Definition; sources: Set<GaugeSource> }>();

/** The meter of the provider registered now; on a new provider, every gauge with sources is registered on it. */
function currentMeter(): Meter {
  const now = metrics.getMeterProvider();
  if (now !== provider || !meter) {
    provider = now;
    meter = now.getMeter(METER_NAME);
    counters = new Map();
    histograms = new Map();
    observed = new Set();
    for (const { def } of sources.values()) registerGauge(meter, def);
  }
  return meter;
}

function registerGauge(m: Meter, def: Definition): void {
  if (observed.has(def.name)) return;
  observed.add(def.name);
  m.createObservableGauge(def.name, { unit: def.unit, description: def.description }).addCallback(async (result) => {
    for (const source of [...(sources.get(def.name)?.sources ?? [])]) {
      // One failing source (e.g. a connection away) must not hide the others' series.
      try {
        await source((value, attributes) => result.observe(value, attributes));
      } catch {
        // The source reports its own trouble as a value (e.g. connected 0); nothing to observe.
      }
    }
  });
}

/** Attributes without the undefined ones (an absent attribute, not the text "undefined"). */
export function metricAttributes(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

/** Adds `value` (default 1) to a counter of the catalog. */
export function countMetric(def: Definition, attributes: Attributes, value = 1): void {
  const m = currentMeter();
  let c = counters.get(def.name);
  if (!c) counters.set(def.name, (c = m.createCounter(def.name, { unit: def.unit, description: def.description })));
  c.add(value, attributes);
}

/** Records one value of a histogram of the catalog (durations in seconds). */
export function recordMetric(def: Definition, value: number, attributes: Attributes): void {
  const m = currentMeter();
  let h = histograms.get(def.name);
  if (!h) {
    histograms.set(def.name, (h = m.createHistogram(def.name, {
      unit: def.unit, description: def.description, ...(def.unit === "s" ? { advice: { explicitBucketBoundaries: DURATION_BUCKETS } } : {}),
    })));
  }
  h.record(value, attributes);
}

/**
 * Adds a source to a gauge of the catalog; returns the function that removes it (call it when
 * what it observes stops). A source should read a cached sample: a scrape must not hammer the bus.
 */
export function observeGauge(def: Definition, source: GaugeSource): () => void {
  let entry = sources.get(def.name);
  if (!entry) sources.set(def.name, (entry = { def, sources: new Set() }));
  entry.sources.add(source);
  registerGauge(currentMeter(), def);
  return () => void entry.sources.delete(source);
}

/**
 * A sampler that answers from its last sample for `maxAgeMs` and takes at most one sample at a
 * time: a gauge read at every scrape costs the bus one request every `maxAgeMs` at most.
 */
export function cachedSample<T>(take: () => Promise<T>, maxAgeMs: number): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= maxAgeMs) last = { at: now, value: take() };
    return last.value;
  };
}
