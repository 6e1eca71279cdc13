/**
 * The platform coordinator's decisions on a signal, as they reach the raiser (its routing status)
 * and, for a forward, the named partner (the signal itself, with the deadlines to acknowledge and
 * report back). Only a platform coordinator decides: a decision without that person role is
 * refused for good (dead-lettered with the reason), whoever signed it.
 */
import { actorRefOf } from "@schakel/contracts";
import { HandlerRefusal, type Delivery } from "@schakel/contracts/bus";
import { messageRefOf, type SignalRecord, type SignalRoutingRecord } from "../records.ts";
import type { OrgState } from "../state.ts";

/** The person role whose decisions a triage message must carry. */
export const TRIAGE_ROLE = "platform-coordinator";

/** Refuses a triage decision that no platform coordinator took. */
export function requireCoordinatorDecision(d: Delivery<"signal.triaged">): void {
  if (d.envelope.actorrole !== TRIAGE_ROLE) {
    throw new HandlerRefusal(
      `signal.triaged ${d.envelope.id} from ${d.envelope.sender} carries ${d.envelope.actorrole ? `the person role "${d.envelope.actorrole}"` : "no acting person"}: only a platform coordinator decides on a signal`,
      { signalId: d.data.signalId, actorrole: d.envelope.actorrole ?? null },
    );
  }
}

/** What a received triage decision says, as the raiser, the partner and the platform keep it (without the message to answer). */
export function triageDecisionOf(d: Delivery<"signal.triaged">): Omit<SignalRoutingRecord, "message"> {
  const { data, envelope } = d;
  const actor = actorRefOf(envelope);
  return {
    decisionId: data.decisionId, decision: data.decision, reason: data.reason, decidedAt: data.decidedAt, messageId: envelope.id,
    ...(data.partner ? { partner: data.partner } : {}), ...(data.acknowledgeBy ? { acknowledgeBy: data.acknowledgeBy } : {}),
    ...(data.reportBackBy ? { reportBackBy: data.reportBackBy } : {}), ...(actor ? { actor } : {}),
  };
}

/** Keeps a triage decision: on the raiser's signal, or as a forwarded signal for the partner. Safe to repeat. */
export async function receiveSignalTriage(state: OrgState, d: Delivery<"signal.triaged">, now = new Date()): Promise<"routing-status" | "forwarded" | "ignored"> {
  requireCoordinatorDecision(d);
  const { data, envelope } = d;
  const routing: SignalRoutingRecord = { ...triageDecisionOf(d), message: messageRefOf(envelope) };
  const add = (list: SignalRecord["routing"]) => list?.some((r) => r.decisionId === data.decisionId) ? undefined : [...(list ?? []), routing];
  if (data.raisedBy === state.org) {
    await state.signals.mutate(data.signalId, (cur) => {
      const next = cur?.direction === "raised" ? add(cur.routing) : undefined;
      return cur && next ? { ...cur, routing: next } : undefined;
    });
    return "routing-status";
  }
  if (data.decision === "forward" && data.partner === state.org && data.signal) {
    const s = data.signal;
    await state.signals.mutate(data.signalId, (cur) => {
      if (cur) {
        const next = add(cur.routing);
        return next ? { ...cur, routing: next } : undefined;
      }
      return {
        signalId: data.signalId, direction: "forwarded-to-us", raisedBy: data.raisedBy, from: envelope.sender, to: state.org,
        kind: s.kind, severity: s.severity, title: s.title, description: s.description, escalate: false, at: now.toISOString(), messageId: envelope.id,
        message: messageRefOf(envelope), routing: [routing], reason: data.reason,
        ...(s.preventionTier ? { preventionTier: s.preventionTier } : {}), ...(s.extremismForms ? { extremismForms: s.extremismForms } : {}),
      };
    });
    return "forwarded";
  }
  return "ignored";
}
