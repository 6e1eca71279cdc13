/** @schakel/tracing — the trace index, the flow of a trace, and replay. Every public export, by name. */
export { TraceEntry, EntryFacts, entryOf, byStorage } from "./entry.ts";
export { TraceIndex, lookupTrace, PAGE_SIZE, MAX_PAGES } from "./index-store.ts";
export type { IndexedTrace, ResolvedTrace } from "./index-store.ts";
export { startTraceIndexer } from "./indexer.ts";
export type { TraceIndexer, TraceIndexerOptions, IndexEvent } from "./indexer.ts";
export { indexLag, waitForIndex } from "./index-lag.ts";
export type { IndexLag } from "./index-lag.ts";
export { connectOperator } from "./operator.ts";
export type { Operator, OperatorOptions } from "./operator.ts";
export { readStored, loadStored, envelopeOf } from "./stored.ts";
export type { StoredMessage } from "./stored.ts";
export { buildFlow, orgsFrom } from "./flow.ts";
export type { Flow, FlowMessage, Obligation, ObligationState, Orgs } from "./flow.ts";
export { renderFlow, duration, visibleWidth, WIDTH } from "./render.ts";
export type { Style } from "./render.ts";
