/**
 * Notices: a liaison (federal or Flemish) informs organisations or levels, optionally asking
 * each recipient to acknowledge by a deadline. One notice addressed to several audiences is
 * published once per audience with the same `noticeId`.
 */
import { z } from "zod";
import { purposeBound } from "../purpose-bound.ts";
import { Audience, CaseRef, MessageId, OrgId } from "../ids.ts";
import { ExtremismForm, NoticeCategory, PreventionTier } from "../vocabulary.ts";
import { Body, lineText, Remark, Timestamp, Title } from "./common.ts";

export const NoticePosted = z.object({
  noticeId: MessageId.describe("the same for every copy of the notice, one per audience"),
  title: Title,
  body: Body,
  category: NoticeCategory,
  recipients: z.array(Audience).min(1).max(100).describe("every audience of this notice, for the status matrix"),
  ackRequired: z.boolean().default(false),
  ackBy: Timestamp.optional().describe("deadline for each recipient's acknowledgement"),
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).max(4).optional(),
  caseRef: CaseRef.optional().describe("pseudonymous reference when the notice concerns a person"),
  residence: OrgId.optional().describe("the municipality of residence of the person a notice is about (a detainee's release)"),
  person: purposeBound({ purposes: ["consultation", "follow-up"], to: "residence", withLivc: true }, "the person's details: sealed to the municipality of residence on its copy and to it and the member on the copy of each member of its LIVC-R, redacted on every other")
    .optional(),
});
export type NoticePosted = z.infer<typeof NoticePosted>;

export const NoticeDelivered = z.object({
  noticeId: MessageId,
  recipient: OrgId.describe("the organisation whose service received the notice"),
  deliveredAt: Timestamp,
});
export type NoticeDelivered = z.infer<typeof NoticeDelivered>;

export const NoticeAcknowledged = z.object({
  noticeId: MessageId,
  recipient: OrgId,
  acknowledgedAt: Timestamp,
  acknowledgedBy: lineText().min(1).max(120).optional().describe("the official's role or name within the organisation"),
  remark: Remark.optional(),
});
export type NoticeAcknowledged = z.infer<typeof NoticeAcknowledged>;

/**
 * What a notice's purpose-bound `person` holds once opened by the municipality of residence or a
 * member of its LIVC-R. Not held to the free-text rule: only they open it, and they show it escaped.
 */
export const PersonDetails = z.object({
  name: z.string().trim().min(1).max(200),
  birthDate: z.string().trim().max(10).optional(),
  nationalRegisterNumber: z.string().trim().max(20).optional(),
  releaseDate: z.string().trim().max(40).optional(),
  notes: z.string().trim().max(5_000).optional(),
});
export type PersonDetails = z.infer<typeof PersonDetails>;
