/** @schakel/organisation — what every organisation does, one folder per conversation. Every public export, by name. */
export { orgState, orgStateIn, nameNewestGlossary, ORG_RECORD_PREFIXES, CASE_RECORD_KINDS } from "./state.ts";
export type { OrgState, CaseStateStore } from "./state.ts";
export { moveCaseState, CASE_STATE_MOVED_KEY, CASE_STATE_CLAIM_MS } from "./case-state-migration.ts";
export type { MovedCaseState, MovableStore } from "./case-state-migration.ts";
export {
  MessageRef, ReceivedNotice, SentNotice, CoordinationAnswer, IncomingRequest, OutgoingRequest, ReceivedDigest, ReceivedEscalation,
  SignalRecord, SignalAcknowledgementRecord, SignalRoutingRecord, SignalInformationRecord, SignalReportRecord, ReceivedKnowledge, IncomingConsultation, OutgoingConsultation, LivcComposition, CaseFile, CaseTaskRecord, CaseTransferIn, messageRefOf,
} from "./records.ts";
export { recipientsOf, isAddressedTo, platformOf, municipalitiesOf } from "./addressing.ts";
export { receiveNotice, deliveredKey } from "./notices/receive.ts";
export { acknowledgeNotice, receivedNotices, acknowledgedKey } from "./notices/acknowledge.ts";
export type { AcknowledgeInput, AcknowledgeOutcome } from "./notices/acknowledge.ts";
export { RECIPIENT_STATES, NOTICE_PROGRESS, recipientStatuses, noticeProgress, noticeFacts, receiptOf, ownReceipts, seesReceiptsOf, acknowledgedReceipt } from "./notices/status.ts";
export type { RecipientState, NoticeProgress, NoticeFacts, NoticeReceipt, RecipientStatus, StatusViewer, ReceiptMessage } from "./notices/status.ts";
export { noticeStatusReport, withActorNames } from "./notices/status-report.ts";
export type { NoticeStatusReport, RecipientReport } from "./notices/status-report.ts";
export { noticeStatusFor } from "./notices/status-view.ts";
export type { NoticeMessage, ViewerRecords } from "./notices/status-view.ts";
export { postNotice, sentNotice, noticeKey } from "./notices/send.ts";
export { expandNearbyAudiences, NEIGHBOURS_AUDIENCE, PROVINCE_AUDIENCE_PREFIX } from "./notices/addressing-neighbours.ts";
export { openNoticePerson } from "./notices/person.ts";
export type { PostNoticeInput, PostedNotice, PersonSealing } from "./notices/send.ts";
export {
  requestCoordination, respondToCoordination, receiveCoordinationRequest, receiveCoordinationResponse, outgoingRequests, incomingRequests,
  requestKey, respondKey,
} from "./coordination/coordination.ts";
export type { CoordinationRequestInput, RequestedCoordination, CoordinationAnswerInput, RespondOutcome } from "./coordination/coordination.ts";
export { setLivcComposition, receiveLivcComposition, livcCompositions, latestVersion, noticeSenders } from "./livc/composition.ts";
export type { SetCompositionInput, SetComposition } from "./livc/composition.ts";
export {
  openCase, setCasePlan, reportCaseTask, closeCase, transferCase, caseFiles, requireCase,
  receiveCaseOpened, receiveCasePlan, receiveCaseTaskReport, receiveCaseClosed, receiveCaseTransfer,
} from "./cases/lifecycle.ts";
export type { OpenCaseInput, PlanInput } from "./cases/lifecycle.ts";
export { currentComposition, requireMembers, checkCaseMembers, checkCaseMessage } from "./cases/membership.ts";
export { openContent } from "./cases/sealing.ts";
export { openCaseFile } from "./cases/open-case.ts";
export type { OpenedCase, OpenedText } from "./cases/open-case.ts";
export { requestCaseConsultation, receiveCaseConsultation, receiveCaseResponse, openCaseConsultation, respondToCaseConsultation } from "./cases/consultation.ts";
export type { CaseConsultationInput, CaseReader, RequestedConsultation, OpenedConsultation, CaseAnswerOutcome } from "./cases/consultation.ts";
export { raiseSignal, signals } from "./signals/raise.ts";
export type { RaiseSignalInput, RaisedSignal } from "./signals/raise.ts";
export { escalatedSignals, receiveEscalatedSignal } from "./signals/escalated.ts";
export { acknowledgeSignal, reportBackOnSignal, receiveSignal, receiveSignalAcknowledgement, receiveSignalReport, signalAcknowledgedKey, signalReportedKey } from "./signals/received.ts";
export type { AcknowledgeSignalInput, AcknowledgeSignalOutcome, ReportBackInput, ReportedBack } from "./signals/received.ts";
export { receiveSignalTriage, requireCoordinatorDecision, triageDecisionOf, TRIAGE_ROLE } from "./signals/routed.ts";
export { provideSignalInformation, signalInfoKey } from "./signals/information.ts";
export type { ProvideSignalInfoInput, ProvidedSignalInfo } from "./signals/information.ts";
export { receivedDigests, receivedDigest, receiveDigest, receiveRoutedItem } from "./digests/received.ts";
export { confirmDigestRead } from "./digests/confirm.ts";
export type { ConfirmDigestInput, ConfirmedDigest } from "./digests/confirm.ts";
export { routeDigestItem } from "./digests/route.ts";
export type { RouteDigestItemInput, RoutedDigestItem } from "./digests/route.ts";
export { localPartnersOf, localPartnerIssue } from "./digests/local-partners.ts";
export { policyUpdateStatus, policyUpdates, policyUpdatesIn, receiveDigestRead, receiveDigestRoute } from "./policy/uptake.ts";
export type { UpdateUptake } from "./policy/uptake.ts";
export { PolicyUpdateRecord, UpdateReadRecord, UpdateRouteRecord } from "./policy/update-record.ts";
export { receivedKnowledge, receiveKnowledge, receiveCuratedKnowledge } from "./knowledge/received.ts";
export { shareKnowledge } from "./knowledge/share.ts";
export { proposeGlossaryChange } from "./glossary/propose.ts";
export type { ProposeGlossaryInput, ProposedGlossaryChange } from "./glossary/propose.ts";
export { adoptGlossaryProposal } from "./glossary/adopt.ts";
export type { AdoptedGlossary } from "./glossary/adopt.ts";
export { glossaryShelf, glossaryProposals, glossaryStoreOf, glossaryStoreIn, GlossaryProposalRecord, PROPOSAL_STATUSES } from "./glossary/records.ts";
export type { GlossaryStore } from "./glossary/records.ts";
export type { ShareKnowledgeInput, SharedKnowledge } from "./knowledge/share.ts";
export { curateKnowledge } from "./knowledge/curation.ts";
export type { CurateKnowledgeInput, CuratedKnowledge } from "./knowledge/curation.ts";
export { knowledgeLibrary, matchesLibraryFilter, inLibrary } from "./knowledge/library.ts";
export type { LibraryFilter } from "./knowledge/library.ts";
export { curatorOf, isCurator } from "./knowledge/curator.ts";
export { receivedEscalations, receiveEscalation } from "./escalations/received.ts";
export { publishPolicyUpdate } from "./policy/publish.ts";
export type { PolicyUpdateInput, PublishedPolicyUpdate } from "./policy/publish.ts";
export { inboxHandlers, mergeHandlers, caseKeysFor } from "./inbox.ts";
export type { CaseKeyContext } from "./cases/inbox.ts";
export { CaseKeyStore, caseKeyStoreAt, useCaseKeys, caseKeysOf } from "./cases/case-keys.ts";
export { eraseCase, recordErasure } from "./cases/erasure.ts";
export { correctCase, receiveCaseCorrection } from "./cases/correction.ts";
export { caseReport } from "./cases/report.ts";
export type { CaseReport, CaseReportEvent } from "./cases/report.ts";
export type { CorrectionInput } from "./cases/correction.ts";
export type { EraseInput } from "./cases/erasure.ts";
export { caseRetentionFrom, keepCaseState, watchCaseRetention, CASE_RETENTION_VARIABLE, DEFAULT_CASE_RETENTION_MS } from "./cases/retention.ts";
export type { RetentionWatcher, RetentionWatchOptions } from "./cases/retention.ts";
export { keepOpenCases } from "./cases/keep-open-cases.ts";
export type { KeptCases } from "./cases/keep-open-cases.ts";
export type { InboxOptions, InboxContext } from "./inbox.ts";
export { NOTIFICATION_EVENTS, EVENT_RULES, isUrgentNotice } from "./notifications/events.ts";
export type { NotificationEvent, EventRule } from "./notifications/events.ts";
export { NOTIFICATION_CHANNELS, NotificationChannel, NotificationPreferences, NotificationRecord, DELIVERY_STATUSES, notificationKey } from "./notifications/records.ts";
export type { DeliveryStatus } from "./notifications/records.ts";
export { defaultChannels, notificationStore, preferencesOf, setPreferences } from "./notifications/preferences.ts";
export type { EffectivePreferences } from "./notifications/preferences.ts";
export { listNotifications } from "./notifications/deliveries.ts";
export type { NotificationRow } from "./notifications/deliveries.ts";
export { Notifier, notifierFor } from "./notifications/notifier.ts";
export type { NotifierOptions } from "./notifications/notifier.ts";
export { notificationSettings, NOTIFICATIONS_FILE, SMTP_URL_VARIABLE, CONSOLE_URL_VARIABLE, MAIL_FROM_VARIABLE, NOTIFY_RETRY_VARIABLE, DEADLINE_LEAD_VARIABLE } from "./notifications/settings.ts";
export type { NotificationSettings } from "./notifications/settings.ts";
export { personsOf } from "./notifications/persons.ts";
export { closeMailTransports } from "./notifications/mailer.ts";
