/** @schakel/local — the services of the local level: municipalities, their partners (police zones, CLB, CAW) and the supralocal associations (VVSG). What each does lives in @schakel/organisation. */
export { localService } from "./service.ts";
export type { LocalOptions } from "./service.ts";
export { localPartnerService } from "./partners.ts";
export type { LocalPartnerOptions } from "./partners.ts";
export { supralocalService } from "./supralocal.ts";
export type { SupralocalOptions } from "./supralocal.ts";
export { autoAcknowledging, DEMO_ACKNOWLEDGED_BY } from "./auto-acknowledge.ts";
