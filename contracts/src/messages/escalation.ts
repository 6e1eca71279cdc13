/** Escalations: the platform reports an obligation that missed its deadline. */
import { z } from "zod";
import { MessageId, OrgId } from "../ids.ts";
import { multilineText, Timestamp } from "./common.ts";

export const OBLIGATION_KINDS = ["acknowledgement", "response", "case-task", "signal-acknowledgement", "signal-report"] as const;
export const ObligationKind = z.enum(OBLIGATION_KINDS);
export type ObligationKind = z.infer<typeof ObligationKind>;

export const EscalationRaised = z.object({
  escalationId: MessageId,
  obligation: z.object({
    kind: ObligationKind,
    reference: MessageId.describe("the noticeId, requestId, case taskId or signalId the obligation belongs to"),
    sourceMessageId: MessageId.describe("the envelope id of the message that created the obligation"),
    owedBy: OrgId,
    owedTo: OrgId,
    deadline: Timestamp,
  }),
  missedAt: Timestamp,
  summary: multilineText().min(1).max(500),
});
export type EscalationRaised = z.infer<typeof EscalationRaised>;
