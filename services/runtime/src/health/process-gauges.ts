/**
 * The process's own gauges, beside those of the bus client and the services: whether each
 * component is ready (`schakel.process.ready`, the same answer as `/readyz`), how long the
 * process has run (`schakel.process.uptime`) and the memory it holds (`schakel.process.memory`:
 * resident set, V8 heap, and the memory outside it such as message buffers). Observed when
 * metrics are collected (a scrape).
 */
import { observeGauge } from "@schakel/contracts";
import type { ProcessReadiness } from "./readiness.ts";

export const PROCESS_READY = {
  name: "schakel.process.ready", kind: "gauge", unit: "1",
  description: "1 while a component of the process (services, auditor, console, gate) is ready, as GET /readyz says; 0 while it is not.",
} as const;

export const PROCESS_UPTIME = {
  name: "schakel.process.uptime", kind: "gauge", unit: "s",
  description: "Seconds since the process started.",
} as const;

export const PROCESS_MEMORY = {
  name: "schakel.process.memory", kind: "gauge", unit: "By",
  description: "Bytes the process holds, by schakel.memory: rss (resident, what the machine sees), heap_used and heap_total (V8's heap), external (outside it: message buffers among them).",
} as const;

/** Adds the gauges; returns the function that removes them. */
export function observeProcessGauges(readiness: () => Promise<ProcessReadiness>): () => void {
  const removers = [
    observeGauge(PROCESS_READY, async (observe) => {
      for (const [component, r] of Object.entries((await readiness()).components)) observe(r.ready ? 1 : 0, { "schakel.component": component });
    }),
    observeGauge(PROCESS_UPTIME, (observe) => observe(Math.round(process.uptime()))),
    observeGauge(PROCESS_MEMORY, (observe) => {
      const m = process.memoryUsage();
      observe(m.rss, { "schakel.memory": "rss" });
      observe(m.heapUsed, { "schakel.memory": "heap_used" });
      observe(m.heapTotal, { "schakel.memory": "heap_total" });
      observe(m.external, { "schakel.memory": "external" });
    }),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
