/**
 * Knowledge records: items shared with this organisation as the curator (submitted), items
 * published to the library, and (earlier releases) items shared with all directly.
 */
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { actorRefOf } from "@schakel/contracts";
import { orgState, type OrgState } from "../state.ts";
import type { ReceivedKnowledge } from "../records.ts";

/** The fields that describe the item itself, the same in the message and in the record. */
type KnowledgeFields = Pick<ReceivedKnowledge, "format" | "title" | "summary" | "date" | "location" | "link" | "preventionTier" | "extremismForms" | "domain">;

/** The fields that describe the item, from a message (to record it) or a record (to send it on); the empty ones left out. */
export function knowledgeFields(k: KnowledgeFields): KnowledgeFields {
  return {
    format: k.format, title: k.title, summary: k.summary,
    ...(k.date ? { date: k.date } : {}), ...(k.location ? { location: k.location } : {}), ...(k.link ? { link: k.link } : {}),
    ...(k.preventionTier ? { preventionTier: k.preventionTier } : {}), ...(k.extremismForms?.length ? { extremismForms: k.extremismForms } : {}),
    ...(k.domain ? { domain: k.domain } : {}),
  };
}

/**
 * Records shared knowledge addressed to this organisation (the first copy wins; safe to repeat).
 * At the curator it is a submission waiting for a decision; elsewhere (a message of an earlier
 * release, shared with all) it is kept without a status, as before.
 */
export async function receiveKnowledge(state: OrgState, d: Delivery<"knowledge.shared">, curator = false, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  const actor = actorRefOf(envelope);
  await state.knowledge.create(data.knowledgeId, {
    knowledgeId: data.knowledgeId, from: envelope.sender, ...knowledgeFields(data), receivedAt: now.toISOString(), messageId: envelope.id,
    sharedBy: envelope.sender, ...(curator ? { status: "submitted" as const } : {}), ...(actor ? { actor } : {}),
  });
}

/** Records the curator's decision on an item: the library's copy (published) or the rejection of one this organisation shared. */
export async function receiveCuratedKnowledge(state: OrgState, d: Delivery<"knowledge.curated">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  const actor = actorRefOf(envelope);
  const curation = {
    decision: data.decision, by: envelope.sender, at: data.curatedAt, messageId: envelope.id, ...(data.reason ? { reason: data.reason } : {}), ...(actor ? { actor } : {}),
  };
  await state.knowledge.mutate(data.knowledgeId, (cur) => {
    if (cur?.curation?.messageId === envelope.id) return undefined;
    return {
      ...(cur ?? { knowledgeId: data.knowledgeId, from: envelope.sender, receivedAt: now.toISOString(), messageId: envelope.id }),
      ...knowledgeFields(data.knowledge), sharedBy: data.sharedBy, status: data.decision, curation,
    };
  });
}

/** Knowledge records, newest first (every status; see library.ts for the library). */
export async function receivedKnowledge(bus: Bus): Promise<ReceivedKnowledge[]> {
  return (await (await orgState(bus)).knowledge.list()).map((r) => r.value).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
