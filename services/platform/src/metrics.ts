/**
 * The platform's metrics: open and overdue obligations (gauges read from its read model,
 * `openObligations`) and escalations raised (a counter). The gauges are sampled at most every
 * few seconds however often they are scraped; a series that was reported once stays, at 0, once
 * its obligations are met, so an alert on it resolves instead of going stale.
 */
import { cachedSample, countMetric, METRIC_ATTRIBUTES as A, METRICS, observeGauge, type ObligationKind } from "@schakel/contracts";
import { openObligations, type OpenObligation } from "./read-models.ts";
import type { PlatformStores } from "./stores.ts";

/** How long a sample of the obligations bucket answers the gauges. */
export const OBLIGATION_SAMPLE_MS = 5_000;

interface Counts {
  open: Map<string, number>;
  overdue: Map<string, number>;
}

const key = (...parts: string[]): string => JSON.stringify(parts);

function countObligations(all: OpenObligation[], seen: Counts): Counts {
  const counts: Counts = { open: new Map([...seen.open.keys()].map((k) => [k, 0])), overdue: new Map([...seen.overdue.keys()].map((k) => [k, 0])) };
  for (const o of all) {
    const open = key(o.kind, o.owedBy);
    counts.open.set(open, (counts.open.get(open) ?? 0) + 1);
    if (!o.overdue) continue;
    const overdue = key(o.kind, o.owedBy, String(o.escalated));
    counts.overdue.set(overdue, (counts.overdue.get(overdue) ?? 0) + 1);
  }
  return counts;
}

/**
 * Adds the platform's obligation gauges; returns the function that removes them (on stop). A
 * failed sample (the bus away) reports nothing until the next one answers.
 */
export function observeObligations(stores: PlatformStores, sampleMs = OBLIGATION_SAMPLE_MS): () => void {
  let seen: Counts = { open: new Map(), overdue: new Map() };
  const sample = cachedSample(async () => (seen = countObligations(await openObligations(stores), seen)), sampleMs);
  const removeOpen = observeGauge(METRICS.obligationsOpen, async (observe) => {
    for (const [k, n] of (await sample()).open) {
      const [kind, owedBy] = JSON.parse(k) as [string, string];
      observe(n, { [A.obligationKind]: kind, [A.organisation]: owedBy });
    }
  });
  const removeOverdue = observeGauge(METRICS.obligationsOverdue, async (observe) => {
    for (const [k, n] of (await sample()).overdue) {
      const [kind, owedBy, escalated] = JSON.parse(k) as [string, string, string];
      observe(n, { [A.obligationKind]: kind, [A.organisation]: owedBy, [A.escalated]: escalated });
    }
  });
  return () => {
    removeOpen();
    removeOverdue();
  };
}

/** Counts one escalation published for a missed obligation. */
export function countEscalation(kind: ObligationKind, owedBy: string): void {
  countMetric(METRICS.escalationsRaised, { [A.obligationKind]: kind, [A.organisation]: owedBy });
}
