/**
 * The process's own gauges, beside those of the bus client and the services: whether each
 * component is ready (`schakel.process.ready`, the same answer as `/readyz`) and how long the
 * process has run (`schakel.process.uptime`). Observed when metrics are collected (a scrape).
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

/** Adds both gauges; returns the function that removes them. */
export function observeProcessGauges(readiness: () => Promise<ProcessReadiness>): () => void {
  const removers = [
    observeGauge(PROCESS_READY, async (observe) => {
      for (const [component, r] of Object.entries((await readiness()).components)) observe(r.ready ? 1 : 0, { "schakel.component": component });
    }),
    observeGauge(PROCESS_UPTIME, (observe) => observe(Math.round(process.uptime()))),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
