/**
 * Person-level case consultation between LIVC partners, under professional secrecy. The case
 * reference is pseudonymous and in the clear; the content is sealed to the named recipients.
 */
import { z } from "zod";
import { CaseRef, MessageId, OrgId } from "../ids.ts";
import { Timestamp } from "./common.ts";
import { SealedContent } from "./sealed.ts";

export const CaseConsultationRequested = z.object({
  consultationId: MessageId,
  caseRef: CaseRef,
  recipients: z.array(OrgId).min(1).max(20),
  respondBy: Timestamp.optional(),
  sealed: SealedContent,
});
export type CaseConsultationRequested = z.infer<typeof CaseConsultationRequested>;

export const CaseConsultationResponded = z.object({
  consultationId: MessageId,
  caseRef: CaseRef,
  sealed: SealedContent,
});
export type CaseConsultationResponded = z.infer<typeof CaseConsultationResponded>;

/**
 * What is inside `sealed` once opened by a recipient. Not held to the free-text rule (common.ts):
 * no receiver but the recipients can read it, content sealed earlier must keep opening, and it is
 * not validated before sealing; a recipient shows it escaped.
 */
export const CaseContent = z.object({
  question: z.string().trim().max(20_000).optional(),
  answer: z.string().trim().max(20_000).optional(),
  notes: z.string().trim().max(20_000).optional(),
});
export type CaseContent = z.infer<typeof CaseContent>;
