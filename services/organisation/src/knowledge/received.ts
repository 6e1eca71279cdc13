/** Trainings, intervisions, study days and expertise shared with this organisation. */
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { orgState, type OrgState } from "../state.ts";
import type { ReceivedKnowledge } from "../records.ts";

/** Records shared knowledge addressed to this organisation (the first copy wins; safe to repeat). */
export async function receiveKnowledge(state: OrgState, d: Delivery<"knowledge.shared">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  await state.knowledge.create(data.knowledgeId, {
    knowledgeId: data.knowledgeId, from: envelope.sender, format: data.format, title: data.title, summary: data.summary,
    receivedAt: now.toISOString(), messageId: envelope.id,
  });
}

/** Knowledge received, newest first. */
export async function receivedKnowledge(bus: Bus): Promise<ReceivedKnowledge[]> {
  return (await (await orgState(bus)).knowledge.list()).map((r) => r.value).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
