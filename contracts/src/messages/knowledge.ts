/**
 * Knowledge exchange: trainings, intervisions, study days and expertise documents. An
 * organisation shares an item with the curator (VVSG); the curator publishes it to the library
 * (everyone) or rejects it with a reason (to the organisation that shared it).
 */
import { z } from "zod";
import { MessageId, OrgId } from "../ids.ts";
import { ExtremismForm, KnowledgeFormat, PolicyDomain, PreventionTier } from "../vocabulary.ts";
import { Body, lineText, Remark, Timestamp, Title } from "./common.ts";

export const KnowledgeShared = z.object({
  knowledgeId: MessageId,
  format: KnowledgeFormat,
  title: Title,
  summary: Body,
  date: Timestamp.optional(),
  location: lineText().max(200).optional(),
  link: z.url().optional(),
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).max(4).optional(),
  /** The policy domain it concerns (education, welfare…), if any. */
  domain: PolicyDomain.optional(),
});
export type KnowledgeShared = z.infer<typeof KnowledgeShared>;

export const KNOWLEDGE_DECISIONS = ["published", "rejected"] as const;
export const KnowledgeDecision = z.enum(KNOWLEDGE_DECISIONS);
export type KnowledgeDecision = z.infer<typeof KnowledgeDecision>;

export const KnowledgeCurated = z.object({
  knowledgeId: MessageId,
  decision: KnowledgeDecision,
  /** Why (required by the curator's library functions for a rejection). */
  reason: Remark.optional(),
  /** The organisation that shared it. */
  sharedBy: OrgId,
  /** The item as curated (the library's copy). */
  knowledge: KnowledgeShared,
  curatedAt: Timestamp,
});
export type KnowledgeCurated = z.infer<typeof KnowledgeCurated>;
