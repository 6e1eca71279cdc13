/** @schakel/federal — the federal liaison service and what a liaison does. Every public export, by name. */
export { federalService } from "./service.ts";
export type { FederalOptions } from "./service.ts";
export { demoAutoAnswer, autoAnswering } from "./auto-answer.ts";
export type { AutoAnswer, AutoAnswerPolicy } from "./auto-answer.ts";
export { escalatedSignals } from "./signals.ts";
export { postNotice, sentNotice, respondToCoordination, requestCoordination, incomingRequests, outgoingRequests } from "@schakel/runtime";
export type {
  PostNoticeInput, PostedNotice, SentNotice, CoordinationAnswerInput, RespondOutcome, CoordinationRequestInput, RequestedCoordination,
  IncomingRequest, OutgoingRequest, SignalRecord,
} from "@schakel/runtime";
