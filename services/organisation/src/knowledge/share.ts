/**
 * Sharing knowledge (a training, intervision, study day or expertise document): an organisation
 * sends it to the curator (VVSG), who publishes it to the library or rejects it with a reason.
 * The curator's own items go to the library at once. The sharer keeps a record of what it shared.
 */
import { actorRefOf, newMessageId, traceIdOf, type Actor, type KnowledgeShared } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { curatorOf } from "./curator.ts";
import { knowledgeFields } from "./received.ts";

export type ShareKnowledgeInput = Omit<KnowledgeShared, "knowledgeId"> & {
  /** Give the id of an earlier attempt to retry it with the same message id. */
  knowledgeId?: string;
  actor?: Actor;
};

export interface SharedKnowledge {
  knowledgeId: string;
  /** The curator it was submitted to, or `all` when the curator shared it to the library itself. */
  to: string;
  status: "submitted" | "published";
  messageId: string;
  traceId: string;
  duplicate: boolean;
}

/** Shares a knowledge item as the bus's organisation. Throws SchemaError naming invalid fields. */
export async function shareKnowledge(bus: Bus, input: ShareKnowledgeInput, now = new Date()): Promise<SharedKnowledge> {
  const { actor: person, knowledgeId: given, ...fields } = input;
  const knowledgeId = given ?? newMessageId();
  const curator = curatorOf(bus.directory);
  const knowledge: KnowledgeShared = { knowledgeId, ...fields };
  const actor = person ? { actor: person } : {};
  const state = await orgState(bus);
  if (curator === bus.org) {
    const curatedAt = now.toISOString();
    const sent = await bus.publish("knowledge.curated", { knowledgeId, decision: "published", sharedBy: bus.org, knowledge, curatedAt }, { to: "all", idempotencyKey: `knowledge|${knowledgeId}`, ...actor });
    const by = actorRefOf(sent.envelope);
    await state.knowledge.put(knowledgeId, {
      knowledgeId, from: bus.org, ...knowledgeFields(knowledge), receivedAt: curatedAt, messageId: sent.id, sharedBy: bus.org, status: "published",
      curation: { decision: "published", by: bus.org, at: curatedAt, messageId: sent.id, ...(by ? { actor: by } : {}) }, ...(by ? { actor: by } : {}),
    });
    return { knowledgeId, to: "all", status: "published", messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
  }
  const sent = await bus.publish("knowledge.shared", knowledge, { to: curator, idempotencyKey: `knowledge|${knowledgeId}`, ...actor });
  const by = actorRefOf(sent.envelope);
  await state.knowledge.create(knowledgeId, {
    knowledgeId, from: bus.org, ...knowledgeFields(knowledge), receivedAt: now.toISOString(), messageId: sent.id, sharedBy: bus.org, status: "submitted", ...(by ? { actor: by } : {}),
  });
  return { knowledgeId, to: curator, status: "submitted", messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
}
