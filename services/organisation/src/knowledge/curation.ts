/**
 * The curator (VVSG) decides on a submitted knowledge item: published, it goes to everyone and
 * is listed in the library; rejected (with a reason), it goes back to the organisation that
 * shared it only. A decision once published is not taken again.
 */
import { actorRefOf, SchakelError, traceIdOf, type Actor, type KnowledgeDecision, type KnowledgeShared } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import type { ReceivedKnowledge } from "../records.ts";
import { isCurator } from "./curator.ts";
import { knowledgeFields } from "./received.ts";

export interface CurateKnowledgeInput {
  knowledgeId: string;
  decision: KnowledgeDecision;
  /** Why: required to reject, optional to publish. */
  reason?: string;
  actor?: Actor;
}

export interface CuratedKnowledge {
  knowledgeId: string;
  decision: KnowledgeDecision;
  /** `all` (published) or the organisation that shared it (rejected). */
  to: string;
  messageId: string;
  traceId: string;
}

// A record holds what a valid knowledge.shared said (the curator's service recorded it), so its fields are the message's.
const itemOf = (r: ReceivedKnowledge): KnowledgeShared => ({ knowledgeId: r.knowledgeId, ...knowledgeFields(r) }) as KnowledgeShared;

/**
 * Decides on a submitted item as the bus's organisation (the curator). @throws SchakelError
 * `not-allowed` (not the curator; a rejection without a reason; an item already published),
 * `not-found` (no such submission, naming how to list them)
 */
export async function curateKnowledge(bus: Bus, input: CurateKnowledgeInput, now = new Date()): Promise<CuratedKnowledge> {
  if (!isCurator(bus.directory, bus.org)) {
    throw new SchakelError("not-allowed", `"${bus.org}" does not curate the knowledge library (role "knowledge-partner" in the registry does)`, { org: bus.org });
  }
  if (input.decision === "rejected" && !input.reason?.trim()) {
    throw new SchakelError("not-allowed", "a rejection needs a reason for the organisation that shared the item (--reason)", { field: "reason" });
  }
  const state = await orgState(bus);
  const found = await state.knowledge.get(input.knowledgeId);
  if (!found || !found.value.status) {
    throw new SchakelError("not-found", `no submission ${input.knowledgeId} has reached ${bus.org}; list them with: schakel knowledge list --as ${bus.org} --status submitted`, { knowledgeId: input.knowledgeId });
  }
  const record = found.value;
  if (record.status === "published") {
    throw new SchakelError("not-allowed", `knowledge ${input.knowledgeId} is already published in the library (${record.curation?.at ?? "earlier"})`, { knowledgeId: input.knowledgeId });
  }
  const sharedBy = record.sharedBy ?? record.from;
  const to = input.decision === "published" ? "all" : sharedBy;
  const curatedAt = now.toISOString();
  const sent = await bus.publish("knowledge.curated", {
    knowledgeId: record.knowledgeId, decision: input.decision, sharedBy, knowledge: itemOf(record), curatedAt, ...(input.reason ? { reason: input.reason } : {}),
  }, { to, idempotencyKey: `curated|${record.knowledgeId}|${input.decision}|${found.revision}`, ...(input.actor ? { actor: input.actor } : {}) });
  const by = actorRefOf(sent.envelope);
  const curation = { decision: input.decision, by: bus.org, at: curatedAt, messageId: sent.id, ...(input.reason ? { reason: input.reason } : {}), ...(by ? { actor: by } : {}) };
  await state.knowledge.mutate(record.knowledgeId, (cur) => (cur ? { ...cur, status: input.decision, curation } : undefined));
  return { knowledgeId: record.knowledgeId, decision: input.decision, to, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent) };
}
