/** @schakel/runtime — running an organisation's service, and what every organisation does. Every public export, by name. */
export { loadOrgConfig, loadDirectory, resolveServers } from "./config.ts";
export type { OrgConfig, ServerSource } from "./config.ts";
export { createLogger, messageLogger, activeTraceFields, messageTraceFields } from "./logger.ts";
export type { Logger, LoggerOptions } from "./logger.ts";
export { connectService } from "./connect.ts";
export type { ServiceConnectOptions } from "./connect.ts";
export type { OrgContext, OrgInstance, ServiceDefinition, FlagSpec, FlagValues } from "./service.ts";
export { ServiceHost, startService } from "./host.ts";
export type { StartServiceOptions } from "./host.ts";
export { consumeWithLogs, senderAllowed } from "./consuming.ts";
export type { ConsumeWithLogsOptions } from "./consuming.ts";
export { exitOnSignals } from "./shutdown.ts";
export type { ShutdownOptions } from "./shutdown.ts";
export { runServiceMain, usage } from "./main.ts";
export type { MainOptions } from "./main.ts";
export { startProcessTelemetry } from "./telemetry-seam.ts";
export type { Telemetry, StartTelemetry } from "./telemetry-seam.ts";
export { RecordBucket, openBucket, isRevisionConflict } from "./records.ts";
export type { Stored, CreateOutcome, UpdateOutcome } from "./records.ts";
export { orgState, ORG_RECORD_PREFIXES } from "./org/state.ts";
export type { OrgState } from "./org/state.ts";
export {
  MessageRef, ReceivedNotice, SentNotice, CoordinationAnswer, IncomingRequest, OutgoingRequest, ReceivedDigest, ReceivedEscalation,
  SignalRecord, ReceivedKnowledge, IncomingConsultation, OutgoingConsultation,
} from "./org/records.ts";
export { recipientsOf, isAddressedTo, platformOf, municipalitiesOf } from "./org/addressing.ts";
export { receiveNotice, acknowledgeNotice, receivedNotices, deliveredKey, acknowledgedKey } from "./org/notices.ts";
export type { AcknowledgeInput, AcknowledgeOutcome } from "./org/notices.ts";
export { postNotice, sentNotice, noteNoticeDelivered, noteNoticeAcknowledged, noticeKey } from "./org/posting.ts";
export type { PostNoticeInput, PostedNotice } from "./org/posting.ts";
export {
  requestCoordination, respondToCoordination, receiveCoordinationRequest, receiveCoordinationResponse, outgoingRequests, incomingRequests,
  requestKey, respondKey,
} from "./org/coordination.ts";
export type { CoordinationRequestInput, RequestedCoordination, CoordinationAnswerInput, RespondOutcome } from "./org/coordination.ts";
export { requestCaseConsultation, receiveCaseConsultation, receiveCaseResponse, openCaseConsultation, respondToCaseConsultation } from "./org/cases.ts";
export type { CaseConsultationInput, RequestedConsultation, OpenedConsultation, CaseAnswerOutcome } from "./org/cases.ts";
export { inboxHandlers, mergeHandlers } from "./org/inbox.ts";
export type { InboxOptions } from "./org/inbox.ts";
export { startTelemetry, otlpConfigured } from "./telemetry.ts"; export type { TelemetryOptions, ServiceTelemetry } from "./telemetry.ts";
