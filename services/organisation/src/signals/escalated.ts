/** Signals the platform escalated to this organisation (a federal liaison). */
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { orgState, type OrgState } from "../state.ts";
import type { SignalRecord } from "../records.ts";

/** Escalated signals received, newest first. */
export async function escalatedSignals(bus: Bus): Promise<SignalRecord[]> {
  const all = (await (await orgState(bus)).signals.list()).map((r) => r.value);
  return all.filter((s) => s.direction === "escalated-to-us").sort((a, b) => b.at.localeCompare(a.at));
}

/** Records a signal the platform escalated to this organisation (the first copy wins; safe to repeat). */
export async function receiveEscalatedSignal(state: OrgState, d: Delivery<"signal.escalated">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  await state.signals.create(data.signalId, {
    signalId: data.signalId, direction: "escalated-to-us", raisedBy: data.raisedBy, from: envelope.sender, to: envelope.audience,
    kind: data.kind, severity: data.severity, title: data.title, escalate: true, reason: data.reason, at: now.toISOString(), messageId: envelope.id,
  });
}
