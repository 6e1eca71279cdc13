/**
 * The message catalog: ONE object mapping each message type to its schema, version, subject
 * builder and description. Services, the console, the docs generator and the tests all read it.
 */
import type { z } from "zod";
import {
  CaseClosed, CaseConsultationRequested, CaseCorrected, CaseConsultationResponded, CaseErased, CaseKeyGranted, CaseKeyRequested, CaseOpened, CasePlanSet, CaseTaskReported,
  CaseTransferred,
} from "./messages/case.ts";
import { CoordinationRequested, CoordinationResponded } from "./messages/coordination.ts";
import { EscalationRaised } from "./messages/escalation.ts";
import { GlossaryAdopted, GlossaryProposed } from "./messages/glossary.ts";
import { KnowledgeCurated, KnowledgeShared } from "./messages/knowledge.ts";
import { DigestItemRouted, DigestRead } from "./messages/digest.ts";
import { LivcCompositionSet } from "./messages/livc.ts";
import { NoticeAcknowledged, NoticeDelivered, NoticePosted } from "./messages/notice.ts";
import { DigestPublished, PolicyUpdatePublished } from "./messages/policy.ts";
import { ReadRecorded } from "./messages/read.ts";
import { SignalEscalated, SignalRaised } from "./messages/signal.ts";
import { SignalAcknowledged, SignalInfoProvided, SignalReportedBack, SignalTriaged } from "./messages/signal-triage.ts";
import { messageSubject } from "./subjects.ts";
import { ROLES, type Classification, type Role } from "./vocabulary.ts";

/** One catalog entry. */
export interface CatalogEntry<S extends z.ZodType = z.ZodType> {
  /** Current version of the data schema; older versions live in contracts/schemas/. */
  version: number;
  schema: S;
  description: string;
  /** Who sends it, and to whom (documentation; enforced by roles below and by the broker). */
  from: string;
  to: string;
  /** Roles allowed to send this type (checked by the bus client before publishing). */
  senders: readonly Role[];
  /** Default classification of the envelope. */
  classification: Classification;
  /** Content is sealed to named recipients (case messages). */
  sealed: boolean;
  /** The data field holding the business id the message is about (noticeId, requestId, …). */
  reference: string;
  /** The type this one answers (its causation is a message of that type), if any; see {@link answeredType}. */
  answers?: string;
  /**
   * A data field that must name the sender itself (receipts: only the recipient may say it
   * received or acknowledged). Receivers refuse a message where it names anyone else.
   */
  senderField?: string;
  /**
   * Sender roles that may address only nearby municipalities (a municipality warns its neighbours
   * or its province: nearby.ts). A sender that also holds another of `senders` is not limited.
   */
  nearbyOnly?: readonly Role[];
}

const entry = <S extends z.ZodType>(e: CatalogEntry<S>): CatalogEntry<S> => e;
/** Every organisation role but the audit's (which only reads): a new role sends these types without another list to edit. */
const anyone: readonly Role[] = ROLES.filter((r) => r !== "audit");

export const catalog = {
  "notice.posted": entry({
    reference: "noticeId", version: 1, schema: NoticePosted, classification: "restricted", sealed: false,
    description: "A notice to organisations or levels (a threat level, a detainee's release, a warning to neighbouring municipalities); may require acknowledgement by a deadline.",
    from: "liaison, platform, crisis centre, justice house, prison service; a municipality to its neighbours or province", to: "organisations or levels",
    senders: ["liaison", "platform", "crisis-centre", "justice-house", "prison-service", "municipality"], nearbyOnly: ["municipality"],
  }),
  "notice.delivered": entry({
    reference: "noticeId", answers: "notice.posted", senderField: "recipient", version: 1, schema: NoticeDelivered, classification: "internal", sealed: false,
    description: "The recipient's service received the notice (delivery receipt).",
    from: "recipient", to: "notice sender (+ platform)", senders: anyone,
  }),
  "notice.acknowledged": entry({
    reference: "noticeId", answers: "notice.posted", senderField: "recipient", version: 1, schema: NoticeAcknowledged, classification: "internal", sealed: false,
    description: "The recipient read the notice and took it up, with an optional remark.",
    from: "recipient", to: "notice sender (+ platform)", senders: anyone,
  }),
  "signal.raised": entry({
    reference: "signalId", version: 1, schema: SignalRaised, classification: "restricted", sealed: false,
    description: "A municipality reports polarisation, tension, an incident or an emerging need; no personal data.",
    from: "local", to: "platform", senders: ["municipality", "livc-partner"],
  }),
  "signal.escalated": entry({
    reference: "signalId", answers: "signal.raised", version: 1, schema: SignalEscalated, classification: "restricted", sealed: false,
    description: "Earlier releases: the platform passed a signal flagged for escalation on to the federal level. No longer sent (a platform coordinator triages: signal.triaged); stored ones still read.",
    from: "platform", to: "federal", senders: ["platform"],
  }),
  "signal.acknowledged": entry({
    reference: "signalId", answers: "signal.raised", senderField: "recipient", version: 1, schema: SignalAcknowledged, classification: "internal", sealed: false,
    description: "The organisation a signal was addressed to (a neighbour) or forwarded to (a partner) acknowledges it.",
    from: "addressee or named partner", to: "raiser, or the platform for a forwarded signal", senders: anyone,
  }),
  "signal.triaged": entry({
    reference: "signalId", answers: "signal.raised", version: 1, schema: SignalTriaged, classification: "restricted", sealed: false,
    description: "A platform coordinator's decision on a signal in the triage queue (forward to a named partner, monitor, ask for information, close), with a reason; the routing status for the raiser and, when forwarded, the signal for the partner.",
    from: "platform (a platform coordinator)", to: "raiser (+ the named partner)", senders: ["platform"],
  }),
  "signal.info.provided": entry({
    reference: "signalId", answers: "signal.triaged", senderField: "raisedBy", version: 1, schema: SignalInfoProvided, classification: "restricted", sealed: false,
    description: "The raiser answers a platform coordinator's request for more information about its signal; the signal returns to the triage queue as open, with the information added.",
    from: "raiser", to: "platform", senders: ["municipality", "livc-partner"],
  }),
  "signal.reported": entry({
    reference: "signalId", answers: "signal.triaged", senderField: "partner", version: 1, schema: SignalReportedBack, classification: "restricted", sealed: false,
    description: "The partner a signal was forwarded to reports what it did, by the deadline of the triage decision.",
    from: "named partner", to: "platform and raiser", senders: anyone,
  }),
  "policy.update.published": entry({
    reference: "updateId", version: 1, schema: PolicyUpdatePublished, classification: "public", sealed: false,
    description: "One Flemish policy domain's information for local governments, to be bundled by the platform.",
    from: "Flemish policy domain", to: "platform", senders: ["policy-domain"],
  }),
  "digest.published": entry({
    reference: "digestId", version: 1, schema: DigestPublished, classification: "public", sealed: false,
    description: "The bundled digest of policy updates for one municipality over one window.",
    from: "platform", to: "municipality", senders: ["platform"],
  }),
  "digest.read": entry({
    reference: "digestId", senderField: "municipality", version: 1, schema: DigestRead, classification: "public", sealed: false,
    description: "A municipality confirms it read items of a digest (one item, several or all).",
    from: "municipality", to: "the policy domains of the items and the platform", senders: ["municipality"],
  }),
  "digest.item.routed": entry({
    reference: "routeId", senderField: "municipality", version: 1, schema: DigestItemRouted, classification: "public", sealed: false,
    description: "A municipality routes a digest item to one of its local partners (school contact point, youth service, CAW), who takes it up.",
    from: "municipality", to: "its local partner and the item's policy domain", senders: ["municipality"],
  }),
  "coordination.requested": entry({
    reference: "requestId", version: 1, schema: CoordinationRequested, classification: "restricted", sealed: false,
    description: "Asks another level or organisation to align, inform or act.",
    from: "any level", to: "any level", senders: anyone,
  }),
  "coordination.responded": entry({
    reference: "requestId", answers: "coordination.requested", version: 1, schema: CoordinationResponded, classification: "restricted", sealed: false,
    description: "The answer to a coordination request (causation id = the request's message id).",
    from: "any level", to: "requester", senders: anyone,
  }),
  "livc.composition.set": entry({
    reference: "municipality", senderField: "municipality", version: 1, schema: LivcCompositionSet, classification: "restricted", sealed: false,
    description: "A municipality sets its LIVC-R's composition (member organisations and the person roles taking part); a new version replaces the previous one.",
    from: "municipality", to: "its LIVC-R members, removed members and the platform", senders: ["municipality"],
  }),
  "case.opened": entry({
    reference: "caseRef", version: 1, schema: CaseOpened, classification: "case-confidential", sealed: true,
    description: "A municipality opens a case in its LIVC-R for the members taking part; the summary is sealed to them.",
    from: "municipality (its LIVC-R)", to: "the participating members", senders: ["municipality"],
  }),
  "case.key.requested": entry({
    reference: "caseRef", version: 1, schema: CaseKeyRequested, classification: "case-confidential", sealed: false,
    description: "A participant asks the case's municipality for the case key, with a one-time exchange key.",
    from: "participant", to: "the case's municipality", senders: ["municipality", "livc-partner", "liaison"],
  }),
  "case.key.granted": entry({
    reference: "caseRef", senderField: "livc", version: 1, schema: CaseKeyGranted, classification: "case-confidential", sealed: true,
    description: "The case's municipality grants the case key to a participant, sealed to its one-time exchange key.",
    from: "municipality (its LIVC-R)", to: "the participant", senders: ["municipality"],
  }),
  "case.corrected": entry({
    reference: "caseRef", version: 1, schema: CaseCorrected, classification: "case-confidential", sealed: true,
    description: "Rectifies the content of an earlier case message (the original stays stored); the corrected text is sealed to the original's recipients.",
    from: "the original's sender", to: "the case's participants", senders: ["municipality", "livc-partner", "liaison"],
  }),
  "case.erased": entry({
    reference: "caseRef", senderField: "livc", version: 1, schema: CaseErased, classification: "case-confidential", sealed: false,
    description: "A municipality erases a case: every participant destroys the case key, so no stored copy of its content opens again.",
    from: "municipality (its LIVC-R)", to: "the participants (+ the platform)", senders: ["municipality"],
  }),
  "case.consultation.requested": entry({
    reference: "consultationId", version: 2, schema: CaseConsultationRequested, classification: "case-confidential", sealed: true,
    description: "An LIVC partner asks named partners about a pseudonymous case; content sealed to them.",
    from: "LIVC partner", to: "named LIVC partners", senders: ["municipality", "livc-partner", "liaison"],
  }),
  "case.consultation.responded": entry({
    reference: "consultationId", answers: "case.consultation.requested", version: 2, schema: CaseConsultationResponded, classification: "case-confidential", sealed: true,
    description: "A named partner answers a case consultation; content sealed to the requester.",
    from: "LIVC partner", to: "requesting partner", senders: ["municipality", "livc-partner", "liaison"],
  }),
  "case.plan.set": entry({
    reference: "caseRef", version: 1, schema: CasePlanSet, classification: "case-confidential", sealed: true,
    description: "The follow-up plan of a case: tasks with an owner and a deadline (each an obligation); what each asks is sealed to the participants.",
    from: "municipality (its LIVC-R)", to: "the participants (+ the platform: metadata, for the deadlines)", senders: ["municipality"],
  }),
  "case.task.reported": entry({
    reference: "taskId", senderField: "owner", version: 1, schema: CaseTaskReported, classification: "case-confidential", sealed: true,
    description: "A task's owner reports back on a follow-up task; the report is sealed to the case's municipality.",
    from: "task owner", to: "the case's municipality (+ the platform: metadata)", senders: ["municipality", "livc-partner", "liaison"],
  }),
  "case.closed": entry({
    reference: "caseRef", version: 1, schema: CaseClosed, classification: "case-confidential", sealed: false,
    description: "A municipality closes a case with a reason; open follow-up tasks end with it.",
    from: "municipality (its LIVC-R)", to: "the participants (+ the platform)", senders: ["municipality"],
  }),
  "case.transferred": entry({
    reference: "caseRef", version: 1, schema: CaseTransferred, classification: "case-confidential", sealed: true,
    description: "A municipality hands a case over to the LIVC-R of the municipality the person moved to; the hand-over is sealed to that municipality only.",
    from: "municipality (its LIVC-R)", to: "the receiving municipality", senders: ["municipality"],
  }),
  "knowledge.shared": entry({
    reference: "knowledgeId", version: 1, schema: KnowledgeShared, classification: "public", sealed: false,
    description: "A training, intervision, study day or expertise document, shared with the curator (VVSG) for the library; earlier releases shared it with all.",
    from: "any", to: "the curator (knowledge partner)", senders: anyone,
  }),
  "knowledge.curated": entry({
    reference: "knowledgeId", version: 1, schema: KnowledgeCurated, classification: "public", sealed: false,
    description: "The curator publishes a shared knowledge item to the library, or rejects it with a reason.",
    from: "curator (VVSG)", to: "all (published) or the organisation that shared it (rejected)", senders: ["knowledge-partner"],
  }),
  "escalation.raised": entry({
    reference: "escalationId", version: 1, schema: EscalationRaised, classification: "internal", sealed: false,
    description: "An obligation (acknowledgement or response) missed its deadline.",
    from: "platform", to: "obligation owner, sender, coordinators", senders: ["platform"],
  }),
  "read.recorded": entry({
    reference: "readId", senderField: "organisation", version: 1, schema: ReadRecorded, classification: "restricted", sealed: false,
    description: "The read audit: who (person, organisation, role) saw what (messages, case reference), why and through which interface.",
    from: "the reader's organisation", to: "itself (stream READS, read by the audit only)", senders: anyone,
  }),
  "glossary.proposed": entry({
    reference: "proposalId", version: 1, schema: GlossaryProposed, classification: "public", sealed: false,
    description: "A policy owner proposes a change to the shared glossary (add, redefine or deprecate a prevention tier, form of extremism or signal kind), with a reason.",
    from: "Flemish policy domain or knowledge partner (VVSG)", to: "platform", senders: ["policy-domain", "knowledge-partner"],
  }),
  "glossary.adopted": entry({
    reference: "proposalId", answers: "glossary.proposed", version: 1, schema: GlossaryAdopted, classification: "public", sealed: false,
    description: "The platform adopts a glossary proposal: the new glossary version, whole, for everyone.",
    from: "platform", to: "all", senders: ["platform"],
  }),
} as const;

export type Catalog = typeof catalog;
export type MessageType = keyof Catalog;
/** The typed data of a message type. */
export type DataOf<T extends MessageType> = z.infer<Catalog[T]["schema"]>;
/** The input accepted for a message type (before defaults are applied). */
export type InputOf<T extends MessageType> = z.input<Catalog[T]["schema"]>;

export const MESSAGE_TYPES = Object.keys(catalog) as MessageType[];

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(catalog, type);
}

/** The catalog's subject builder for one message. */
export function subjectFor(type: MessageType, audience: string, sender: string): string {
  return messageSubject(type, audience, sender);
}

/** The `dataschema` URI of a type's version. */
export function dataSchemaUri(type: MessageType, version: number = catalog[type].version): string {
  return `urn:schakel:schema:${type}:v${version}`;
}

/** The type a message type answers (a receipt answers its notice), if any. */
export function answeredType(type: MessageType): MessageType | undefined {
  const answers = (catalog[type] as CatalogEntry).answers;
  return answers !== undefined && isMessageType(answers) ? answers : undefined;
}

/** The business id a message is about (its catalog `reference` field), if the data has it. */
export function referenceOf(type: MessageType, data: unknown): string | undefined {
  const v = (data as Record<string, unknown> | null)?.[catalog[type].reference];
  return typeof v === "string" ? v : undefined;
}
