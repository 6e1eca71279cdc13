/**
 * Person-level case work in an LIVC-R, under professional secrecy (art. 458ter Criminal Code).
 * The case reference is pseudonymous and in the clear, with the case's LIVC-R, the composition
 * version its recipients were checked against, the legal basis and the purpose (case-law.ts);
 * every content field is sealed to the named recipients, who must be members of that LIVC-R.
 *
 * Lifecycle: `case.opened` (the municipality opens a case for the members taking part),
 * `case.consultation.requested`/`responded` (questions and answers between participants),
 * `case.plan.set` (follow-up tasks, each with an owner and a deadline: an obligation),
 * `case.task.reported` (the owner reports back), `case.closed` (with a reason) and
 * `case.transferred` (a sealed hand-over to the LIVC-R of the municipality the person moved to).
 */
import { z } from "zod";
import { CaseCloseReason, CaseLawFields, CasePurpose, LegalBasis } from "../case-law.ts";
import { CaseRef, MessageId, OrgId } from "../ids.ts";
import { Timestamp } from "./common.ts";
import { SealedContent } from "./sealed.ts";

/** Recipients of case content: named members, never groups. */
const Participants = z.array(OrgId).min(1).max(20);

export const CaseOpened = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  participants: Participants.describe("the LIVC-R members taking part in this case (the opening municipality included)"),
  sealed: SealedContent.describe("the case summary, sealed to the participants"),
});
export type CaseOpened = z.infer<typeof CaseOpened>;

/*
 * Consultations were released (v1) before the law fields existed: they are optional in the schema
 * so v1 messages keep reading, and required from v2 on by the rule in case-law.ts.
 */
const lawOfEarlierReleases = {
  livc: CaseLawFields.livc.optional(),
  compositionVersion: CaseLawFields.compositionVersion.optional(),
  legalBasis: LegalBasis.optional(),
  purpose: CasePurpose.optional(),
};

export const CaseConsultationRequested = z.object({
  consultationId: MessageId,
  caseRef: CaseRef,
  recipients: z.array(OrgId).min(1).max(20),
  respondBy: Timestamp.optional(),
  sealed: SealedContent,
  ...lawOfEarlierReleases,
});
export type CaseConsultationRequested = z.infer<typeof CaseConsultationRequested>;

export const CaseConsultationResponded = z.object({
  consultationId: MessageId,
  caseRef: CaseRef,
  sealed: SealedContent,
  ...lawOfEarlierReleases,
});
export type CaseConsultationResponded = z.infer<typeof CaseConsultationResponded>;

export const CaseTask = z.object({
  taskId: MessageId,
  owner: OrgId.describe("the participant that carries the task out and reports back"),
  dueBy: Timestamp.describe("when the owner must have reported back (an obligation, escalated when missed)"),
});
export type CaseTask = z.infer<typeof CaseTask>;

export const CasePlanSet = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  planVersion: z.number().int().min(1).describe("each new plan replaces the previous one"),
  participants: Participants,
  tasks: z.array(CaseTask).min(1).max(50),
  sealed: SealedContent.describe("what each task asks (by task id), sealed to the participants"),
});
export type CasePlanSet = z.infer<typeof CasePlanSet>;

export const CaseTaskReported = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  taskId: MessageId,
  owner: OrgId.describe("the task's owner: the sender itself"),
  sealed: SealedContent.describe("the report, sealed to the case's municipality and the owner"),
});
export type CaseTaskReported = z.infer<typeof CaseTaskReported>;

export const CaseClosed = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  reason: CaseCloseReason,
  participants: Participants,
});
export type CaseClosed = z.infer<typeof CaseClosed>;

export const CaseTransferred = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  toLivc: OrgId.describe("the municipality whose LIVC-R takes the case over"),
  sealed: SealedContent.describe("the hand-over, sealed to the receiving municipality only"),
});
export type CaseTransferred = z.infer<typeof CaseTransferred>;

/**
 * A participant asks the case's municipality for the case key, with a public key it made for this
 * one exchange (X25519, base64url of the raw 32 bytes). Its private half never leaves the
 * participant and is destroyed once the key arrived, so the grant stored in CASE cannot be opened
 * again by anyone — not by the participant's long-term key, not from a backup.
 */
export const CaseKeyRequested = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  exchangeKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "an X25519 public key: 32 bytes in base64url").describe("a one-time X25519 public key for this exchange"),
});
export type CaseKeyRequested = z.infer<typeof CaseKeyRequested>;

/** The municipality grants the case key to a participant, sealed to its one-time exchange key. */
export const CaseKeyGranted = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  participant: OrgId.describe("the participant the key is granted to"),
  keyId: z.string().describe("the id of the case key (its hash)"),
  sealed: SealedContent.describe("the case key, sealed to the participant's one-time exchange key"),
});
export type CaseKeyGranted = z.infer<typeof CaseKeyGranted>;

/** The content fields of a case a correction can rectify: its summary, a task of its plan, a task's report. */
export const CORRECTABLE_FIELDS = ["summary", "task", "report"] as const;

/**
 * Rectifies the content of a case without rewriting history (GDPR art. 16): the original stays
 * stored, the correction names what it rectifies (the summary, or a task or report by task id)
 * and carries the corrected text, sealed to the case's participants under the case key. Only the
 * author of the original corrects it (the municipality its summary and tasks, a task's owner its
 * report); readers show the corrected text with the correction's time.
 */
export const CaseCorrected = z.object({
  caseRef: CaseRef,
  ...CaseLawFields,
  field: z.enum(CORRECTABLE_FIELDS),
  taskId: MessageId.optional().describe("for a task or a report: which task of the plan"),
  participants: Participants,
  sealed: SealedContent.describe("the corrected text (as `correction`), sealed to the participants"),
});
export type CaseCorrected = z.infer<typeof CaseCorrected>;

export const CASE_ERASURE_REASONS = ["requested", "retention"] as const;

/**
 * The municipality erases a case: every participant destroys its copy of the case key, after which
 * no stored copy of the case's content opens again. The message itself (metadata only) is the
 * record of the erasure in the audit chain.
 */
export const CaseErased = z.object({
  caseRef: CaseRef,
  livc: OrgId,
  keyId: z.string(),
  reason: z.enum(CASE_ERASURE_REASONS).describe("requested: by a decision of the LIVC-R (e.g. a data subject's request); retention: the retention after closing ran out"),
  note: z.string().trim().max(500).optional().describe("why, without personal data"),
  participants: Participants,
});
export type CaseErased = z.infer<typeof CaseErased>;

/**
 * What is inside `sealed` once opened by a recipient. Not held to the free-text rule (common.ts):
 * no receiver but the recipients can read it, content sealed earlier must keep opening, and it is
 * not validated before sealing; a recipient shows it escaped.
 */
export const CaseContent = z.object({
  question: z.string().trim().max(20_000).optional(),
  answer: z.string().trim().max(20_000).optional(),
  notes: z.string().trim().max(20_000).optional(),
  summary: z.string().trim().max(20_000).optional(),
  /** A plan's tasks, by task id. */
  tasks: z.record(z.string(), z.string().trim().max(5_000)).optional(),
  report: z.string().trim().max(20_000).optional(),
  handover: z.string().trim().max(20_000).optional(),
  /** The corrected text, inside a case.corrected only. */
  correction: z.string().trim().max(20_000).optional(),
  /** A granted case key (base64url), inside a case.key.granted only. */
  caseKey: z.string().optional(),
});
export type CaseContent = z.infer<typeof CaseContent>;
