/** @schakel/local — the municipal service. What a municipality's officials do lives in @schakel/organisation. */
export { localService } from "./service.ts";
export type { LocalOptions } from "./service.ts";
