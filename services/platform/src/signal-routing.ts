/**
 * Signal routing: the platform records every signal it sees. A signal to the platform enters the
 * triage queue, where automatic rules only PROPOSE a decision (a high or critical signal flagged
 * for escalation: forward to a federal liaison; others: monitor); a platform coordinator decides
 * (`signal-triage.ts`). A signal to one other organisation (a neighbour) obliges that
 * organisation to acknowledge it, escalated like a notice when it does not. Nothing here sends a
 * message: no decision is taken silently.
 */
import type { Delivery, KeyDirectory } from "@schakel/contracts/bus";
import { actorRefOf, type DataOf, type Severity } from "@schakel/contracts";
import { messageRefOf } from "@schakel/organisation";
import type { PlatformContext } from "./context.ts";
import { openObligation } from "./obligations.ts";
import { signalRecords, type TriageItem, type TriageProposal } from "./triage-records.ts";

/** Severities for which the rules propose forwarding a signal flagged for escalation. */
export const ESCALATED_SEVERITIES: readonly Severity[] = ["high", "critical"];

/** Time a neighbour gets to acknowledge a signal addressed to it, unless the platform is told otherwise (3 days). */
export const SIGNAL_ACKNOWLEDGE_MS = 3 * 86_400_000;

export type SignalRoute = "queued" | "neighbour" | "group";

/** The automatic rules' proposal for a signal to the platform; a coordinator decides. */
export function proposalFor(data: DataOf<"signal.raised">, raisedBy: string, directory: KeyDirectory): TriageProposal {
  if (data.escalate && ESCALATED_SEVERITIES.includes(data.severity)) {
    // A federal liaison that also takes part in local follow-up (the federal police) first.
    const liaisons = directory.organisations.filter((o) => o.level === "federal" && o.roles.includes("liaison"));
    const federal = liaisons.find((o) => o.roles.includes("livc-partner")) ?? liaisons[0];
    if (federal) {
      return { decision: "forward", partner: federal.id, rule: "escalation-asked", reason: `${data.severity} severity, flagged for escalation by ${raisedBy}: forward to a federal liaison` };
    }
  }
  if (data.escalate) return { decision: "monitor", rule: "below-threshold", reason: `flagged for escalation by ${raisedBy}, but ${data.severity} severity is below ${ESCALATED_SEVERITIES.join("/")}: keep and monitor` };
  return { decision: "monitor", rule: "not-flagged", reason: `${data.severity} severity, not flagged for escalation: keep and monitor` };
}

/** Records a signal the platform read (safe to repeat): a triage item, or a neighbour's signal with its acknowledgement obligation. */
export async function routeSignal(p: PlatformContext, d: Delivery<"signal.raised">, acknowledgeMs = SIGNAL_ACKNOWLEDGE_MS): Promise<SignalRoute> {
  const { data, envelope } = d;
  const toPlatform = envelope.audience === p.org;
  const single = !toPlatform && envelope.audience !== envelope.sender && p.directory.organisation(envelope.audience) !== undefined;
  const route = toPlatform ? "platform" : single ? "neighbour" : "group";
  const actor = actorRefOf(envelope);
  const item: TriageItem = {
    signalId: data.signalId, raisedBy: envelope.sender, to: envelope.audience, route, raisedAt: d.storedAt.toISOString(), message: messageRefOf(envelope),
    kind: data.kind, severity: data.severity, title: data.title, escalateAsked: data.escalate, state: toPlatform ? "open" : "closed", decisions: [],
    ...(toPlatform ? { description: data.description, proposal: proposalFor(data, envelope.sender, p.directory) } : {}),
    ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}), ...(data.extremismForms ? { extremismForms: data.extremismForms } : {}),
    ...(actor ? { actor } : {}),
  };
  const created = await signalRecords(p.stores).create(data.signalId, item);
  if (toPlatform) {
    if (created.created) p.emit({ kind: "signal-queued", signalId: data.signalId, raisedBy: envelope.sender, proposal: item.proposal!.decision });
    return "queued";
  }
  if (!single) return "group";
  const deadline = new Date(d.storedAt.getTime() + acknowledgeMs).toISOString();
  await openObligation(p, { kind: "signal-acknowledgement", reference: data.signalId, owedTo: envelope.sender, deadline, title: data.title, envelope }, envelope.audience, d.storedAt.toISOString());
  return "neighbour";
}
