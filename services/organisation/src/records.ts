/**
 * What an organisation's service keeps in its own KV bucket `org-<id>`: what it received, what it
 * sent and the answers to both. One zod schema per kind of record; records are facts with
 * timestamps, so a restarted service continues from them.
 */
import { z } from "zod";
import {
  ActorRef, Audience, CASE_ERASURE_REASONS, PurposeBoundValue, CORRECTABLE_FIELDS, CaseCloseReason, CasePurpose, CaseRef, CoordinationAsk, CoordinationOutcome, DigestItem, LivcMember, MessageId, NoticeCategory, ObligationKind, OrgId,
  SealedContent, Severity, SignalKind, Timestamp, type Envelope, ExtremismForm, PreventionTier, TriageDecision,
} from "@schakel/contracts";

/** Enough of a received message to answer it later (causation, correlation, trace parent). */
export const MessageRef = z.object({
  id: MessageId,
  correlationid: MessageId,
  traceparent: z.string(),
  tracestate: z.string().optional(),
});
export type MessageRef = z.infer<typeof MessageRef>;

/** The reference to keep of a received message, so that an answer to it can be sent later. */
export function messageRefOf(envelope: Envelope): MessageRef {
  return { id: envelope.id, correlationid: envelope.correlationid, traceparent: envelope.traceparent, ...(envelope.tracestate ? { tracestate: envelope.tracestate } : {}) };
}

/**
 * When and by whom a notice was acknowledged, with the optional remark. `actor`: the person who
 * acted, as on the wire (absent in records of earlier releases and when the service acted).
 */
export const AcknowledgementRecord = z.object({ acknowledgedAt: Timestamp, by: z.string().optional(), remark: z.string().optional(), actor: ActorRef.optional() });

/** A notice that reached this organisation, and whether it acknowledged it. */
export const ReceivedNotice = z.object({
  noticeId: MessageId,
  from: OrgId,
  audience: Audience,
  title: z.string(),
  body: z.string(),
  category: NoticeCategory,
  ackRequired: z.boolean(),
  ackBy: Timestamp.optional(),
  receivedAt: Timestamp,
  message: MessageRef,
  acknowledgement: AcknowledgementRecord.extend({ messageId: MessageId }).optional(),
  /** A notice about a person: the municipality of residence, and the details as this copy holds them (sealed to it, or redacted). */
  residence: OrgId.optional(),
  person: PurposeBoundValue.optional(),
});
export type ReceivedNotice = z.infer<typeof ReceivedNotice>;

/**
 * A notice this organisation posted: what, to whom, by when, and its trace. `deliveries` and
 * `acknowledgements` are no longer filled (the receipts are in the sender's feed, folded by
 * `recipientStatuses`); they stay in the schema so records written before still read.
 */
export const SentNotice = z.object({
  noticeId: MessageId,
  title: z.string(),
  category: NoticeCategory,
  audiences: z.array(Audience),
  ackBy: Timestamp.optional(),
  postedAt: Timestamp,
  traceId: z.string(),
  messageIds: z.record(z.string(), MessageId),
  deliveries: z.record(z.string(), Timestamp),
  acknowledgements: z.record(z.string(), AcknowledgementRecord),
  /** The person who posted it (absent: the service, or a record of an earlier release). */
  actor: ActorRef.optional(),
});
export type SentNotice = z.infer<typeof SentNotice>;

export const CoordinationAnswer = z.object({
  from: OrgId,
  outcome: CoordinationOutcome,
  body: z.string(),
  respondedAt: Timestamp,
  messageId: MessageId,
  /** The person who answered (absent: the service, or a record of an earlier release). */
  actor: ActorRef.optional(),
});
export type CoordinationAnswer = z.infer<typeof CoordinationAnswer>;

/** A coordination request addressed to this organisation, and its answer once given. */
export const IncomingRequest = z.object({
  requestId: MessageId,
  from: OrgId,
  audience: Audience,
  ask: CoordinationAsk,
  topic: z.string(),
  body: z.string(),
  respondBy: Timestamp.optional(),
  receivedAt: Timestamp,
  message: MessageRef,
  response: CoordinationAnswer.optional(),
});
export type IncomingRequest = z.infer<typeof IncomingRequest>;

/** A coordination request this organisation sent, with every answer it received. */
export const OutgoingRequest = z.object({
  requestId: MessageId,
  to: Audience,
  ask: CoordinationAsk,
  topic: z.string(),
  respondBy: Timestamp.optional(),
  sentAt: Timestamp,
  messageId: MessageId,
  traceId: z.string(),
  /** The person who asked (absent: the service, or a record of an earlier release). */
  actor: ActorRef.optional(),
  responses: z.array(CoordinationAnswer.extend({ causationId: MessageId.optional() })),
});
export type OutgoingRequest = z.infer<typeof OutgoingRequest>;

/** An item of a digest this organisation confirmed as read. */
export const DigestItemReadRecord = z.object({ updateId: MessageId, at: Timestamp, messageId: MessageId, actor: ActorRef.optional() });
/** An item of a digest this municipality routed to one of its local partners. */
export const DigestRouteRecord = z.object({
  routeId: MessageId, updateId: MessageId, partner: OrgId, at: Timestamp, messageId: MessageId, remark: z.string().optional(), actor: ActorRef.optional(),
});

/**
 * A digest this organisation received: from the platform, or (a local partner) one item its
 * municipality routed to it (`routedBy`). `reads`, `routes` and `routedBy` came later: records of
 * earlier releases have none and read as nothing confirmed yet.
 */
export const ReceivedDigest = z.object({
  digestId: MessageId,
  from: OrgId,
  windowStart: Timestamp,
  windowEnd: Timestamp,
  items: z.array(DigestItem),
  receivedAt: Timestamp,
  messageId: MessageId,
  reads: z.array(DigestItemReadRecord).optional(),
  routes: z.array(DigestRouteRecord).optional(),
  routedBy: z.object({ municipality: OrgId, digestId: MessageId, remark: z.string().optional() }).optional(),
});
export type ReceivedDigest = z.infer<typeof ReceivedDigest>;

export const ReceivedEscalation = z.object({
  escalationId: MessageId,
  from: OrgId,
  kind: ObligationKind,
  reference: MessageId,
  owedBy: OrgId,
  owedTo: OrgId,
  deadline: Timestamp,
  missedAt: Timestamp,
  summary: z.string(),
  receivedAt: Timestamp,
  messageId: MessageId,
});
export type ReceivedEscalation = z.infer<typeof ReceivedEscalation>;

/** An acknowledgement of a signal: by whom (organisation, person) and when. */
export const SignalAcknowledgementRecord = z.object({
  by: OrgId, at: Timestamp, messageId: MessageId, remark: z.string().optional(), actor: ActorRef.optional(),
});
/** One triage decision on a signal, as the raiser and the named partner receive it. */
export const SignalRoutingRecord = z.object({
  decisionId: MessageId, decision: TriageDecision, reason: z.string(), partner: OrgId.optional(),
  acknowledgeBy: Timestamp.optional(), reportBackBy: Timestamp.optional(), decidedAt: Timestamp, messageId: MessageId, actor: ActorRef.optional(),
  /** The decision's message, to answer it (absent in records of earlier releases). */
  message: MessageRef.optional(),
});
export type SignalRoutingRecord = z.infer<typeof SignalRoutingRecord>;
/** The raiser's answer to a platform coordinator's request for more information (absent in records of earlier releases). */
export const SignalInformationRecord = z.object({
  decisionId: MessageId, information: z.string(), at: Timestamp, messageId: MessageId, actor: ActorRef.optional(),
});
/** A partner's report on a forwarded signal. */
export const SignalReportRecord = z.object({
  by: OrgId, outcome: z.string(), at: Timestamp, messageId: MessageId, actor: ActorRef.optional(),
});

/**
 * A signal this organisation raised, one addressed to it (a neighbour's: `received`), one the
 * platform forwarded to it after triage (`forwarded-to-us`), or (earlier releases, federal
 * liaisons) one the platform escalated to it. Records of earlier releases have none of the
 * optional fields and read as before.
 */
export const SignalRecord = z.object({
  signalId: MessageId,
  direction: z.enum(["raised", "escalated-to-us", "received", "forwarded-to-us"]),
  raisedBy: OrgId,
  from: OrgId,
  to: Audience,
  kind: SignalKind,
  severity: Severity,
  title: z.string(),
  escalate: z.boolean(),
  reason: z.string().optional(),
  at: Timestamp,
  messageId: MessageId,
  /** The person who raised it (absent: the service, or a record of an earlier release). */
  actor: ActorRef.optional(),
  description: z.string().optional(),
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).optional(),
  /** The received message, to answer it (received and forwarded signals). */
  message: MessageRef.optional(),
  /** Received or forwarded: this organisation's acknowledgement; raised: the addressee's. */
  acknowledgement: SignalAcknowledgementRecord.optional(),
  /** Raised to the platform or forwarded to us: the platform coordinator's decisions, oldest first. */
  routing: z.array(SignalRoutingRecord).optional(),
  /** Raised to the platform: the information this organisation gave when the platform asked for it, oldest first. */
  information: z.array(SignalInformationRecord).optional(),
  /** Forwarded to us: our report; raised: the partner's report. */
  reportBack: SignalReportRecord.optional(),
});
export type SignalRecord = z.infer<typeof SignalRecord>;

/** The curator's decision on a shared knowledge item. */
export const KnowledgeCurationRecord = z.object({
  decision: z.enum(["published", "rejected"]), reason: z.string().optional(), by: OrgId, at: Timestamp, messageId: MessageId, actor: ActorRef.optional(),
});

/**
 * A knowledge item: shared by this organisation (`sharedBy` = itself), submitted to it as the
 * curator, or published to the library. `status`: submitted (waiting for the curator), published,
 * rejected. Records of earlier releases hold only format, title and summary and no status: an item
 * shared with all before curation existed, listed in the library as it was.
 */
export const ReceivedKnowledge = z.object({
  knowledgeId: MessageId,
  from: OrgId,
  format: z.string(),
  title: z.string(),
  summary: z.string(),
  receivedAt: Timestamp,
  messageId: MessageId,
  date: Timestamp.optional(),
  location: z.string().optional(),
  link: z.string().optional(),
  preventionTier: PreventionTier.optional(),
  extremismForms: z.array(ExtremismForm).optional(),
  domain: z.string().optional(),
  status: z.enum(["submitted", "published", "rejected"]).optional(),
  sharedBy: OrgId.optional(),
  curation: KnowledgeCurationRecord.optional(),
  actor: ActorRef.optional(),
});
export type ReceivedKnowledge = z.infer<typeof ReceivedKnowledge>;

/** A case consultation addressed to this organisation; the content stays sealed at rest. */
export const IncomingConsultation = z.object({
  consultationId: MessageId,
  caseRef: CaseRef,
  from: OrgId,
  recipients: z.array(OrgId),
  respondBy: Timestamp.optional(),
  sealed: SealedContent,
  receivedAt: Timestamp,
  message: MessageRef,
  response: z.object({ respondedAt: Timestamp, messageId: MessageId }).optional(),
  /** The case's LIVC-R and the purpose asked for (absent in consultations of earlier releases). */
  livc: OrgId.optional(),
  purpose: CasePurpose.optional(),
});
export type IncomingConsultation = z.infer<typeof IncomingConsultation>;

/** A case consultation this organisation asked, with the sealed answers it received. */
export const OutgoingConsultation = z.object({
  consultationId: MessageId,
  caseRef: CaseRef,
  recipients: z.array(OrgId),
  respondBy: Timestamp.optional(),
  sealed: SealedContent,
  sentAt: Timestamp,
  messageIds: z.record(z.string(), MessageId),
  traceId: z.string(),
  /** The person who asked (absent: the service, or a record of an earlier release). */
  actor: ActorRef.optional(),
  responses: z.array(z.object({ from: OrgId, sealed: SealedContent, receivedAt: Timestamp, messageId: MessageId })),
});
export type OutgoingConsultation = z.infer<typeof OutgoingConsultation>;

/**
 * The compositions of an LIVC-R this organisation knows (it is or was a member, or it is the
 * municipality or the platform): every version received, oldest first.
 */
export const LivcComposition = z.object({
  municipality: OrgId,
  versions: z
    .array(z.object({ version: z.number().int().min(1), members: z.array(LivcMember), effectiveFrom: Timestamp, messageId: MessageId, actor: ActorRef.optional() }))
    .min(1),
});
export type LivcComposition = z.infer<typeof LivcComposition>;

/** One follow-up task of a case plan, and its report once the owner reported back. */
export const CaseTaskRecord = z.object({
  taskId: MessageId,
  owner: OrgId,
  dueBy: Timestamp,
  reported: z.object({ at: Timestamp, messageId: MessageId, sealed: SealedContent, actor: ActorRef.optional() }).optional(),
});
export type CaseTaskRecord = z.infer<typeof CaseTaskRecord>;

/**
 * A case this organisation takes part in (opened by its LIVC-R's municipality): metadata in the
 * clear, every content field sealed at rest and opened only on request, through the read audit.
 */
export const CaseFile = z.object({
  caseRef: CaseRef,
  livc: OrgId,
  compositionVersion: z.number().int().min(1),
  participants: z.array(OrgId),
  openedAt: Timestamp,
  opened: MessageRef,
  sealed: SealedContent,
  actor: ActorRef.optional(),
  plan: z.object({ planVersion: z.number().int().min(1), setAt: Timestamp, messageId: MessageId, sealed: SealedContent, tasks: z.array(CaseTaskRecord) }).optional(),
  closed: z.object({ reason: CaseCloseReason, at: Timestamp, messageId: MessageId }).optional(),
  transferred: z.object({ to: OrgId, at: Timestamp, messageId: MessageId }).optional(),
  /** Corrections of its content, in the order received (the originals stay as they were). */
  corrections: z.array(z.object({ field: z.enum(CORRECTABLE_FIELDS), taskId: MessageId.optional(), by: OrgId, at: Timestamp, messageId: MessageId, sealed: SealedContent })).optional(),
  /** The case was erased: its key is destroyed, its content opens nowhere any more. */
  erased: z.object({ at: Timestamp, reason: z.enum(CASE_ERASURE_REASONS), messageId: MessageId }).optional(),
});
export type CaseFile = z.infer<typeof CaseFile>;

/** A case handed over to this municipality's LIVC-R by another one; the hand-over stays sealed. */
export const CaseTransferIn = z.object({
  caseRef: CaseRef,
  from: OrgId,
  receivedAt: Timestamp,
  message: MessageRef,
  sealed: SealedContent,
});
export type CaseTransferIn = z.infer<typeof CaseTransferIn>;
