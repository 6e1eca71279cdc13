/** @schakel/flemish — the Flemish platform (VPR) and the policy domains. Every public export, by name. */
export { flemishService } from "./service.ts";
export type { FlemishOptions } from "./service.ts";
export { startPlatform, PLATFORM_DEFAULTS } from "./platform/platform.ts";
export type { PlatformOptions } from "./platform/platform.ts";
export type { PlatformEvent, PlatformContext } from "./platform/context.ts";
export { openPlatformStores } from "./platform/stores.ts";
export type { PlatformStores } from "./platform/stores.ts";
export { Obligation, Escalation, NoticeRecord, Receipt, DigestState, DigestWindow, obligationKey } from "./platform/records.ts";
export { noticeStatus, openObligations, escalations, digestWindows } from "./platform/read-models.ts";
export type { NoticeStatus, RecipientStatus, RecipientState, OpenObligation, EscalationView, DigestWindowView } from "./platform/read-models.ts";
export { escalationKey, escalationDueAt } from "./platform/escalation.ts";
export { addToWindow, closeWindow, DIGEST_LIMITS } from "./platform/digest-bundler.ts";
export { ESCALATED_SEVERITIES } from "./platform/signal-routing.ts";
export type { SignalRoute } from "./platform/signal-routing.ts";
export { CatchUp } from "./platform/catch-up.ts";
export { publishPolicyUpdate } from "./policy-domains.ts";
export type { PolicyUpdateInput, PublishedPolicyUpdate } from "./policy-domains.ts";
