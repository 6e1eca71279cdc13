/** @schakel/organisation — what every organisation does, one folder per conversation. Every public export, by name. */
export { orgState, orgStateIn, ORG_RECORD_PREFIXES } from "./state.ts";
export type { OrgState } from "./state.ts";
export {
  MessageRef, ReceivedNotice, SentNotice, CoordinationAnswer, IncomingRequest, OutgoingRequest, ReceivedDigest, ReceivedEscalation,
  SignalRecord, ReceivedKnowledge, IncomingConsultation, OutgoingConsultation, messageRefOf,
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
export type { PostNoticeInput, PostedNotice } from "./notices/send.ts";
export {
  requestCoordination, respondToCoordination, receiveCoordinationRequest, receiveCoordinationResponse, outgoingRequests, incomingRequests,
  requestKey, respondKey,
} from "./coordination/coordination.ts";
export type { CoordinationRequestInput, RequestedCoordination, CoordinationAnswerInput, RespondOutcome } from "./coordination/coordination.ts";
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
export { inboxHandlers, mergeHandlers } from "./inbox.ts";
export type { InboxOptions, InboxContext } from "./inbox.ts";
