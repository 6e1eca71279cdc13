/** Knowledge exchange: trainings, intervisions, study days and expertise documents. */
import { z } from "zod";
import { MessageId } from "../ids.ts";
import { ExtremismForm, KnowledgeFormat, PreventionTier } from "../vocabulary.ts";
import { Body, lineText, Timestamp, Title } from "./common.ts";

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
});
export type KnowledgeShared = z.infer<typeof KnowledgeShared>;
