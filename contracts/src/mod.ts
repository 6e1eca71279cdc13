/** @schakel/contracts — the shared vocabulary of Schakel. Every public export, by name. */
export {
  LEVELS, Level, AUDIENCE_GROUPS, AudienceGroup, PREVENTION_TIERS, PreventionTier, EXTREMISM_FORMS, ExtremismForm,
  POLICY_DOMAINS, PolicyDomain, NOTICE_CATEGORIES, NoticeCategory, SIGNAL_KINDS, SignalKind, SEVERITIES, Severity,
  CLASSIFICATIONS, Classification, COORDINATION_ASKS, CoordinationAsk, KNOWLEDGE_FORMATS, KnowledgeFormat, ROLES, Role,
  PROVINCES, Province,
} from "./vocabulary.ts";
export { OrgId, Audience, MessageId, TraceId, CaseRef, newMessageId, newTraceId, newSpanId, uuidFromBytes } from "./ids.ts";
export { SPEC_VERSION, ACTOR_PSEUDONYM, ActorRef, actorRefOf, sourceOf, EnvelopeHeader, RawEnvelope, traceIdOf } from "./envelope.ts";
export type { Envelope } from "./envelope.ts";
export { ERROR_CODES, SchakelError, SchemaError, SubjectError, isRetryable } from "./errors.ts";
export type { ErrorCode, ErrorData, FieldIssue, SchakelErrorOptions } from "./errors.ts";
export {
  ROOTS, rootOfType, messageSubject, parseMessageSubject, audienceFilter, senderFilter, typeFilter, ALL_COORD, ALL_CASE,
  ALL_DEADLETTER, ALL_SANDBOX, ALL_READS, readsFilter, sandboxSubject, sandboxFilter, parseSandboxSubject, isSandboxSubject, typeInSubject, deadLetterSubject, deadLetterFilter, inboxPrefix, subjectMatches,
} from "./subjects.ts";
export type { LiveRoot, SubjectParts } from "./subjects.ts";
export { catalog, MESSAGE_TYPES, isMessageType, subjectFor, dataSchemaUri, answeredType, referenceOf } from "./catalog.ts";
export type { Catalog, CatalogEntry, MessageType, DataOf, InputOf } from "./catalog.ts";
export { JS_API } from "./js-api.ts";
export { STREAMS, streamOfRoot, inboxConsumers, durableConsumersOf, platformConsumer, platformConsumers, traceIndexConsumers, FEED_SLOTS, feedConsumerName, orgStateBucket, caseStateBucket, ORG_PROCESSED_PREFIX, CASE_STATE_MOVED_KEY, BUCKETS, LEAF, leafDomain, leafOutboxSubjects, leafDeliverPrefix } from "./streams.ts";
export type { StreamName, InboxConsumer } from "./streams.ts";
export { Organisation, Registry, SigningKey, DirectoryEntry, Directory } from "./organisation.ts";
export { nearbyAudienceIssue, nearbyMunicipalities } from "./nearby.ts";
export { Timestamp, Title, Body, Remark } from "./messages/common.ts";
export { NoticePosted, NoticeDelivered, NoticeAcknowledged, PersonDetails } from "./messages/notice.ts";
export { SignalRaised, SignalEscalated } from "./messages/signal.ts";
export { SignalTriaged, SignalAcknowledged, SignalReportedBack, SignalInfoProvided, ForwardedSignal, TRIAGE_DECISIONS, TriageDecision } from "./messages/signal-triage.ts";
export { PolicyUpdatePublished, DigestItem, DigestPublished } from "./messages/policy.ts";
export { DigestRead, ReadDigestItem, DigestItemRouted } from "./messages/digest.ts";
export { CoordinationRequested, CoordinationResponded, COORDINATION_OUTCOMES, CoordinationOutcome } from "./messages/coordination.ts";
export {
  CaseClosed, CaseConsultationRequested, CaseConsultationResponded, CaseContent, CaseCorrected, CORRECTABLE_FIELDS, CaseErased, CaseKeyGranted, CaseKeyRequested, CaseOpened, CasePlanSet, CaseTask,
  CaseTaskReported, CaseTransferred, CASE_ERASURE_REASONS,
} from "./messages/case.ts";
export { LivcCompositionSet, LivcMember } from "./messages/livc.ts";
export { PERSONAL, PurposeBoundValue, purposeBound, personalFields, purposeBoundIssue } from "./purpose-bound.ts";
export type { PersonalMark } from "./purpose-bound.ts";
export {
  CASE_CLOSE_REASONS, CASE_LAW, CASE_PURPOSES, CaseCloseReason, caseLaw, CaseLawFields, caseLawIssue, CasePurpose, LEGAL_BASES, LegalBasis,
} from "./case-law.ts";
export { SealedContent, SealedRecipient } from "./messages/sealed.ts";
export { KnowledgeShared, KnowledgeCurated, KNOWLEDGE_DECISIONS, KnowledgeDecision } from "./messages/knowledge.ts";
export { EscalationRaised, OBLIGATION_KINDS, ObligationKind } from "./messages/escalation.ts";
export { ReadRecorded, READ_INTERFACES, ReadInterface, READ_KINDS, ReadKind } from "./messages/read.ts";
export { GlossaryProposed, GlossaryAdopted } from "./messages/glossary.ts";
export {
  VOCABULARIES, Vocabulary, VOCABULARY_TERMS, BUILTIN_GLOSSARY_VERSION, TermId, GlossaryTerm, GlossaryRecord, GlossaryShelf, glossaryVersionOf, findTerm,
} from "./glossary.ts";
export { BUILTIN_GLOSSARY } from "./glossary-builtin.ts";
export { GLOSSARY_ACTIONS, GlossaryAction, GlossaryChange, applyGlossaryChange } from "./glossary-change.ts";
export { sampleData, EXAMPLE_SEALED } from "./samples.ts";
export { TRACE_KEYS, isTraceId, isMessageUuid, sandboxConsumer, destinationTemplate, windowFilters } from "./tracing-subjects.ts";
export type { WindowFilter } from "./tracing-subjects.ts";
export { METRICS, METRIC_ATTRIBUTES, METRIC_KINDS, MESSAGING_SYSTEM, UNKNOWN_TYPE, GATE_REFUSALS, prometheusName, prometheusLabel } from "./metrics.ts";
export type { MetricDefinition, MetricKind, MetricKey, MetricAttribute, GateRefusal } from "./metrics.ts";
export { METER_NAME, DURATION_BUCKETS, countMetric, recordMetric, observeGauge, cachedSample, metricAttributes } from "./instruments.ts";
export type { GaugeSource, Observe } from "./instruments.ts";
export { PLATFORM_ACCOUNT, ADMIN_ID, AUDIT_ID, AUDIT_ACCOUNT, OPERATOR_IDS, AUDIT_BUCKET, auditConsumers, auditCheckpointKey, AUDIT_CHECKPOINT_FILTER, CONSUMER_GATE, GATE_VERBS, type GateVerb, NATS_CONTROL_HEADERS, DEFAULT_INBOX_FILTER, JS_MANAGEMENT_API } from "./security.ts";
export { PERSON_ROLES, PersonRole, PERSON_ROLE_NEEDS, personRolesFor, PersonId, PersonDisabled, Person, PersonsFile, Actor } from "./persons.ts";
export { PERSON_ACTIONS, ACTION_ROLES, actingRole, personMay } from "./person-actions.ts";
export type { PersonAction } from "./person-actions.ts";
export { containsNationalRegisterNumber, isNationalRegisterNumber, personalDataAdvice, personalDataInClear } from "./personal-data.ts";
export type { PersonalDataFound, PersonalDataKind } from "./personal-data.ts";
