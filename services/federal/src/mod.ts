/** @schakel/federal — the federal liaison service. What a liaison does lives in @schakel/organisation. */
export { federalService } from "./service.ts";
export type { FederalOptions } from "./service.ts";
export { demoAutoAnswer, autoAnswering } from "./auto-answer.ts";
export type { AutoAnswer, AutoAnswerPolicy } from "./auto-answer.ts";
