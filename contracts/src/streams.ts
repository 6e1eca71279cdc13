/**
 * Names of the streams, consumers and KV buckets every part of Schakel shares. Their configs
 * (retention, limits) are applied by infra's provisioning; the names live here with the subjects.
 */
import { ALL_CASE, ALL_COORD, ALL_DEADLETTER, ALL_READS, ALL_SANDBOX, audienceFilter, deadLetterFilter, readsFilter, ROOTS, senderFilter, type LiveRoot } from "./subjects.ts";

export const STREAMS = {
  coord: { name: "COORD", subjects: [ALL_COORD] },
  case: { name: "CASE", subjects: [ALL_CASE] },
  deadletter: { name: "DEADLETTER", subjects: [ALL_DEADLETTER] },
  sandbox: { name: "SANDBOX", subjects: [ALL_SANDBOX] },
  /** The read audit: one signed record per view of something sensitive; read by the audit identity only. */
  reads: { name: "READS", subjects: [ALL_READS] },
} as const;

export type StreamName = (typeof STREAMS)[keyof typeof STREAMS]["name"];

/** The stream a live subject is stored in. */
export function streamOfRoot(root: LiveRoot): StreamName {
  if (root === ROOTS.reads) return STREAMS.reads.name;
  return root === ROOTS.case ? STREAMS.case.name : STREAMS.coord.name;
}

/** One inbox consumer: a durable pull consumer, created by the platform, with a fixed filter. */
export interface InboxConsumer {
  stream: StreamName;
  name: string;
  filter: string;
}

/**
 * The inbox consumers of an organisation: one per audience it belongs to (on 2.9 a consumer has
 * one filter subject), plus its case inbox. Names are `<org>--<audience>`.
 */
export function inboxConsumers(org: string, level: string): InboxConsumer[] {
  return [
    { stream: STREAMS.coord.name, name: `${org}--${org}`, filter: audienceFilter(org) },
    { stream: STREAMS.coord.name, name: `${org}--${level}`, filter: audienceFilter(level) },
    { stream: STREAMS.coord.name, name: `${org}--all`, filter: audienceFilter("all") },
    { stream: STREAMS.case.name, name: `${org}--case`, filter: audienceFilter(org, ROOTS.case) },
  ];
}

/** A platform organisation also tracks everything that moves between the levels. */
export function platformConsumer(org: string): InboxConsumer {
  return { stream: STREAMS.coord.name, name: `${org}--platform`, filter: ALL_COORD };
}

/** The platform's trace indexer reads every live message (coordination and case metadata). */
export function traceIndexConsumers(org: string): InboxConsumer[] {
  return [
    { stream: STREAMS.coord.name, name: `${org}--traces`, filter: ALL_COORD },
    { stream: STREAMS.case.name, name: `${org}--traces`, filter: ALL_CASE },
  ];
}

/** Every durable consumer the platform organisation owns besides its inboxes. */
export function platformConsumers(org: string): InboxConsumer[] {
  return [platformConsumer(org), ...traceIndexConsumers(org)];
}

/** Every durable consumer an organisation owns: its inboxes, and for the platform its own as well. */
export function durableConsumersOf(org: { id: string; level: string; roles: readonly string[] }): InboxConsumer[] {
  return [...inboxConsumers(org.id, org.level), ...(org.roles.includes("platform") ? platformConsumers(org.id) : [])];
}

/**
 * Feed slots: ephemeral consumers an organisation may create itself to read its feed from any
 * point in the past. The broker binds each slot name to the organisation's own filters, so the
 * set of names is finite and listed in its permissions (deny by default).
 */
export const FEED_SLOTS = 12;
export function feedConsumerName(org: string, slot: number): string {
  return `${org}--feed-${slot}`;
}

/** The KV bucket holding one organisation's own service state (e.g. processed ids). */
export function orgStateBucket(org: string): string {
  return `org-${org}`;
}

/**
 * The KV bucket holding one organisation's case state (the cases it takes part in, their
 * consultations and hand-overs): its own bucket, so it is kept only as long as the CASE stream
 * keeps case messages (the bucket's max_age), unlike the rest of `org-<id>`.
 */
export function caseStateBucket(org: string): string {
  return `case-${org}`;
}

/**
 * Key prefix of the ids of processed messages in an organisation's bucket (`processed.<id>`): the
 * service host writes them, so a redelivery after a crash is recognised as a duplicate.
 */
export const ORG_PROCESSED_PREFIX = "processed";

/**
 * The key in `org-<id>` that says the organisation's case records live in `case-<id>`: moved there
 * from where an earlier release kept them (services/organisation, case-state-migration.ts), or never
 * anywhere else because provisioning created `org-<id>` with the marker already in it.
 */
export const CASE_STATE_MOVED_KEY = "moved.case-state";

/** KV buckets (each is a stream `KV_<bucket>`). */
export const BUCKETS = {
  obligations: "obligations",
  digests: "digests",
  deliveries: "deliveries",
  traces: "traces",
  processed: "processed",
} as const;

/**
 * Leaf nodes (NATS's own distribution): a leaf server per level or organisation runs its own
 * JetStream domain with one store-and-forward stream, OUTBOX, holding what its organisations
 * publish; the hub's COORD, CASE, DEADLETTER and READS streams source it, so a publish is acknowledged
 * by the leaf even while its link to the hub is down. Consumers stay on the hub (domain HUB).
 */
export const LEAF = {
  hubDomain: "hub",
  outboxStream: "OUTBOX",
  /** The leaf's account holding the OUTBOX (and its JetStream); each hosted organisation has an account of its own beside it. */
  outboxAccount: "outbox",
} as const;

/** The JetStream domain of the leaf node `leaf` (a registry level or organisation id). */
export function leafDomain(leaf: string): string {
  return `leaf-${leaf}`;
}

/** What the OUTBOX of a leaf hosting `orgs` stores: each organisation's own publications. */
export function leafOutboxSubjects(orgs: readonly string[]): string[] {
  return orgs.flatMap((org) => [senderFilter(org, ROOTS.coord), senderFilter(org, ROOTS.case), deadLetterFilter(org), readsFilter(org)]);
}

/** Subject prefix on which the hub's sources of one leaf's OUTBOX deliver: per leaf, so a link carries only its own. */
export function leafDeliverPrefix(leaf: string): string {
  return `$JS.S.${leafDomain(leaf)}`;
}
