/** @schakel/platform — the platform's (VPR) work. Every public export, by name. */
export { startPlatform, PLATFORM_DEFAULTS } from "./platform.ts";
export type { PlatformOptions } from "./platform.ts";
export type { PlatformEvent, PlatformContext } from "./context.ts";
export { openPlatformStores, deliveryReceipts } from "./stores.ts";
export type { PlatformStores } from "./stores.ts";
export { Obligation, Escalation, NoticeRecord, Receipt, DeliveryReceipt, deliveryReceiptKey, DigestState, DigestWindow, obligationKey } from "./records.ts";
export { noticeStatus, receiptsByRecipient, openObligations, escalations, digestWindows } from "./read-models.ts";
export type { NoticeStatus, OpenObligation, EscalationView, DigestWindowView } from "./read-models.ts";
export { escalationKey, escalationDueAt } from "./escalation.ts";
export { addToWindow, closeWindow, DIGEST_LIMITS } from "./digest-bundler.ts";
export { ESCALATED_SEVERITIES } from "./signal-routing.ts";
export type { SignalRoute } from "./signal-routing.ts";
export { CatchUp } from "./catch-up.ts";
