/** @schakel/flemish — the Flemish service: the platform (VPR, see @schakel/platform) and the policy domains. Every public export, by name. */
export { flemishService } from "./service.ts";
export type { FlemishOptions } from "./service.ts";
