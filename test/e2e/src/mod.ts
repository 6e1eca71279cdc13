/** Support for the cross-process end-to-end tests. */
export { track, exited, killChildren, alive } from "./children.ts";
export { schakel, schakelJson, feedItems, childEnv, REPO_ROOT, SCHAKEL_BIN } from "./schakel.ts";
export type { Run, FeedItemLike } from "./schakel.ts";
export { startUp } from "./up-process.ts";
export type { UpProcess, UpSummary } from "./up-process.ts";
export { startServiceProcess } from "./service-process.ts";
export type { ServiceProcess } from "./service-process.ts";
export { eventually, sleep } from "./wait.ts";
export { Observer, dataOf } from "./observer.ts";
export type { Observed } from "./observer.ts";
export { startRunningBus, stopRunningBus } from "./running-bus.ts";
export type { RunningBus } from "./running-bus.ts";
