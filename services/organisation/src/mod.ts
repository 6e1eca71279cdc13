/** @schakel/organisation — what every organisation does, one folder per conversation. Every public export, by name. */
export { orgState, orgStateIn, ORG_RECORD_PREFIXES } from "./state.ts";
export type { OrgState } from "./state.ts";
export {
  MessageRef, ReceivedNotice, SentNotice, CoordinationAnswer, IncomingRequest, OutgoingRequest, ReceivedDigest, ReceivedEscalation,
  SignalRecord, ReceivedKnowledge, IncomingConsultation, OutgoingConsultation, LivcComposition, CaseFile, CaseTaskRecord, CaseTransferIn, messageRefOf,
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
export { openNoticePerson } from "./notices/person.ts";
export type { PostNoticeInput, PostedNotice } from "./notices/send.ts";
export {
  requestCoordination, respondToCoordination, receiveCoordinationRequest, receiveCoordinationResponse, outgoingRequests, incomingRequests,
  requestKey, respondKey,
} from "./coordination/coordination.ts";
export type { CoordinationRequestInput, RequestedCoordination, CoordinationAnswerInput, RespondOutcome } from "./coordination/coordination.ts";
export { setLivcComposition, receiveLivcComposition, livcCompositions, latestVersion } from "./livc/composition.ts";
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
export { receivedDigests, receiveDigest } from "./digests/received.ts";
export { receivedKnowledge, receiveKnowledge } from "./knowledge/received.ts";
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
export { caseRetentionFrom, watchCaseRetention, CASE_RETENTION_VARIABLE, DEFAULT_CASE_RETENTION_MS } from "./cases/retention.ts";
export type { InboxOptions, InboxContext } from "./inbox.ts";
