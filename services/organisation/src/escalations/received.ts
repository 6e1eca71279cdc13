/** Escalations the platform raised to this organisation: an obligation it owed, or was owed, missed its deadline. */
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { orgState, type OrgState } from "../state.ts";
import type { ReceivedEscalation } from "../records.ts";

/** Records an escalation addressed to this organisation (the first copy wins; safe to repeat). */
export async function receiveEscalation(state: OrgState, d: Delivery<"escalation.raised">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  await state.escalations.create(data.escalationId, {
    escalationId: data.escalationId, from: envelope.sender, ...data.obligation, missedAt: data.missedAt, summary: data.summary,
    receivedAt: now.toISOString(), messageId: envelope.id,
  });
}

/** Escalations received, newest first. */
export async function receivedEscalations(bus: Bus): Promise<ReceivedEscalation[]> {
  return (await (await orgState(bus)).escalations.list()).map((r) => r.value).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
