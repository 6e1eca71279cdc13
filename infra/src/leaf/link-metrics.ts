/**
 * Leaf link state as metrics, read from a nats-server's monitoring endpoint `/leafz` on the same
 * machine (no system account: the monitoring port is local). For each leaf: the links connected
 * now (`schakel.leaf.links`) and the links missing (`schakel.leaf.links.missing`): expected, or
 * seen since this watch started, and not connected now — so a link that drops is noticed without
 * configuring the topology twice. nats-server 2.9 reports no remote name in /leafz, only the
 * link's account, so on 2.9 the links of one account are counted together.
 */
import { z } from "zod";
import { cachedSample, METRIC_ATTRIBUTES as A, METRICS, observeGauge } from "@schakel/contracts";

/** How long one /leafz answer serves the gauges. */
export const LEAFZ_SAMPLE_MS = 5_000;

const Leafz = z.object({
  leafs: z.array(z.object({ name: z.string().optional(), account: z.string().optional() })).nullish(),
});

export interface LeafLinkWatchOptions {
  /** The server's monitoring URL, e.g. `http://127.0.0.1:8222` (see the embedded server's `monitorUrl`). */
  monitorUrl: string;
  /** Links expected per leaf label (remote server name on 2.10+, account on 2.9); others count once seen. */
  expected?: Record<string, number>;
  sampleMs?: number;
  /** Told when /leafz does not answer or answers something else (the gauges then report nothing). */
  onError?: (error: string) => void;
}

/** The connected links per leaf label in a /leafz answer. */
export function countLeafLinks(body: unknown): Map<string, number> {
  const parsed = Leafz.safeParse(body);
  if (!parsed.success) throw new Error(`/leafz answered something that is not a leaf list: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const counts = new Map<string, number>();
  for (const l of parsed.data.leafs ?? []) {
    const label = l.name || l.account || "unknown";
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

/** Adds the leaf link gauges for one server; returns the function that removes them. */
export function observeLeafLinks(opts: LeafLinkWatchOptions): () => void {
  const most = new Map<string, number>(Object.entries(opts.expected ?? {}));
  const url = `${opts.monitorUrl.replace(/\/$/, "")}/leafz`;
  const sample = cachedSample(async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
      const now = countLeafLinks(await res.json());
      for (const [label, n] of now) most.set(label, Math.max(n, most.get(label) ?? 0));
      return [...most.keys()].map((label) => ({ label, connected: now.get(label) ?? 0, missing: Math.max(0, most.get(label)! - (now.get(label) ?? 0)) }));
    } catch (err) {
      opts.onError?.((err as Error)?.message ?? String(err));
      return [];
    }
  }, opts.sampleMs ?? LEAFZ_SAMPLE_MS);
  const removeLinks = observeGauge(METRICS.leafLinks, async (observe) => {
    for (const s of await sample()) observe(s.connected, { [A.leaf]: s.label });
  });
  const removeMissing = observeGauge(METRICS.leafLinksMissing, async (observe) => {
    for (const s of await sample()) observe(s.missing, { [A.leaf]: s.label });
  });
  return () => {
    removeLinks();
    removeMissing();
  };
}
