/**
 * Signal routing: a municipality's signal addressed to the platform, flagged `escalate` and of
 * high or critical severity, is passed on to the federal level as `signal.escalated` — once:
 * its id is derived from the signal, so a redelivery re-publishes the same message id.
 */
import type { Delivery } from "@schakel/contracts/bus";
import type { Severity } from "@schakel/contracts";
import type { PlatformContext } from "./context.ts";

/** Severities the platform passes on when the municipality asks for escalation. */
export const ESCALATED_SEVERITIES: readonly Severity[] = ["high", "critical"];

export type SignalRoute = "escalated" | "not-for-platform" | "not-flagged" | "below-threshold";

export async function routeSignal(p: PlatformContext, d: Delivery<"signal.raised">): Promise<SignalRoute> {
  const { data, envelope } = d;
  if (envelope.audience !== p.org) return "not-for-platform";
  if (!data.escalate) {
    p.emit({ kind: "signal-kept", signalId: data.signalId, raisedBy: envelope.sender, route: "not-flagged" });
    return "not-flagged";
  }
  if (!ESCALATED_SEVERITIES.includes(data.severity)) {
    p.log.info({ signalId: data.signalId, severity: data.severity, raisedBy: envelope.sender }, "signal flagged for escalation, kept at the platform: severity below high");
    p.emit({ kind: "signal-kept", signalId: data.signalId, raisedBy: envelope.sender, route: "below-threshold" });
    return "below-threshold";
  }
  const sent = await d.reply("signal.escalated", {
    signalId: data.signalId, raisedBy: envelope.sender, kind: data.kind, severity: data.severity, title: data.title, description: data.description,
    ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}), ...(data.extremismForms ? { extremismForms: data.extremismForms } : {}),
    reason: `${data.severity} severity, flagged for escalation by ${envelope.sender}`,
  }, { to: "federal", idempotencyKey: `signal|${envelope.sender}|${data.signalId}` });
  p.log.warn({ signalId: data.signalId, raisedBy: envelope.sender, severity: data.severity }, "signal escalated to the federal level");
  p.emit({ kind: "signal-escalated", signalId: data.signalId, raisedBy: envelope.sender, messageId: sent.id, duplicate: sent.duplicate });
  return "escalated";
}
