/** @schakel/platform — the platform's (VPR) work. Every public export, by name. */
export { startPlatform, PLATFORM_DEFAULTS } from "./platform.ts";
export type { PlatformOptions } from "./platform.ts";
export type { PlatformEvent, PlatformContext } from "./context.ts";
export { openPlatformStores, deliveryReceipts } from "./stores.ts";
export type { PlatformStores } from "./stores.ts";
export { Obligation, Escalation, NoticeRecord, Receipt, DeliveryReceipt, deliveryReceiptKey, DigestState, DigestWindow, obligationKey } from "./records.ts";
export { noticeStatus, receiptsByRecipient, openObligations, escalations, digestWindows, newestDigestsFirst, readInFull } from "./read-models.ts";
export type { NoticeStatus, OpenObligation, EscalationView, DigestWindowView } from "./read-models.ts";
export { escalationKey, escalationDueAt } from "./escalation.ts";
export { addToWindow, closeWindow, DIGEST_LIMITS } from "./digest-bundler.ts";
export { ESCALATED_SEVERITIES, SIGNAL_ACKNOWLEDGE_MS, proposalFor } from "./signal-routing.ts";
export type { SignalRoute } from "./signal-routing.ts";
export { triageSignal, requireQueued, TRIAGE_DEFAULTS } from "./signal-triage.ts";
export type { TriageInput, TriageOutcome } from "./signal-triage.ts";
export { TriageItem, TriageProposal, TriageDecisionRecord, TRIAGE_STATES, TriageState, SIGNAL_ROUTES, signalRecords } from "./triage-records.ts";
export { signalStats, countSignals, provinceOf, triageQueue } from "./signal-stats.ts";
export type { SignalStats, SignalStatsRow } from "./signal-stats.ts";
export { CatchUp } from "./catch-up.ts";
