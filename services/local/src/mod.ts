/** @schakel/local — the municipal service and what a municipality's officials do. Every public export, by name. */
export { localService } from "./service.ts";
export type { LocalOptions } from "./service.ts";
export { raiseSignal, signals } from "./signals.ts";
export type { RaiseSignalInput, RaisedSignal } from "./signals.ts";
export { receivedDigests } from "./digests.ts";
export {
  acknowledgeNotice, receivedNotices, requestCoordination, respondToCoordination, incomingRequests, outgoingRequests,
  requestCaseConsultation, openCaseConsultation, respondToCaseConsultation,
} from "@schakel/runtime";
export type {
  AcknowledgeInput, AcknowledgeOutcome, CoordinationRequestInput, RequestedCoordination, CoordinationAnswerInput, RespondOutcome,
  CaseConsultationInput, RequestedConsultation, OpenedConsultation, CaseAnswerOutcome, ReceivedNotice, ReceivedDigest,
} from "@schakel/runtime";
