/**
 * Broker-enforced isolation, generated from the registry. Deny by default: every tenant (each
 * organisation, and the audit) gets an exact list of grants, and nothing else exists in its
 * account. A grant is a subject of the platform account that the tenant's account imports:
 * - publish only as itself (`coord.*.<org>.>`, `case.*.<org>.>`, `deadletter.<org>.>`, and its
 *   read records on `reads.<org>.<org>.>`; READS itself is read by the audit only);
 * - read only what is addressed to it, through its own durable consumers (created by the admin
 *   with a fixed filter: info, next, ack) and a finite set of feed slots whose create subject
 *   carries a filter inside its own audiences;
 * - consumer creation and deletion go through the consumer gate (kind "gate"), which checks the
 *   subject against these grants and refuses deliver subjects outside the tenant's inbox —
 *   nats-server ≤ 2.12 does not check them itself;
 * - its own KV buckets (`org-<org>`, and `case-<org>` for its case state); no stream management, no MSG.GET / DIRECT.GET on shared streams, no `$JS.>`;
 * - its own reply-inbox prefix (`_INBOX_<org>`), never `_INBOX.>`.
 * The same list, as user permissions, also makes the tenant's own connection refuse anything else
 * with a clear "Permissions Violation" (defence in depth, and the model for leaf-node users).
 */
import {
  AUDIT_BUCKET, AUDIT_ID, auditConsumers, CONSUMER_GATE, audienceFilter, deadLetterFilter, FEED_SLOTS, durableConsumersOf, feedConsumerName, inboxPrefix,
  JS_API, caseStateBucket, orgStateBucket, readsFilter, ROOTS, senderFilter, STREAMS, ALL_COORD, ALL_CASE, type GateVerb, type InboxConsumer, type Organisation,
} from "@schakel/contracts";

export { AUDIT_ID };

/**
 * How a granted subject crosses from the tenant's account into the platform account:
 * `request` one reply (publish acks, API calls, acks), `stream` many replies (pull requests),
 * `gate` consumer creation and deletion, forwarded to the consumer gate instead of JetStream.
 */
export type GrantKind = "request" | "stream" | "gate";
export interface Grant {
  subject: string;
  kind: GrantKind;
}

/** The verb and tail of a `gate` grant (a consumer create or delete); throws for any other grant. */
export function gateRequestOf(g: Grant): { verb: GateVerb; tail: string } {
  const request = g.kind === "gate" ? CONSUMER_GATE.verbOf(g.subject) : undefined;
  if (!request) throw new Error(`the grant ${g.subject} (${g.kind}) is not a consumer create or delete for the gate`);
  return request;
}

export interface Permissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
}

const request = (subject: string): Grant => ({ subject, kind: "request" });
const pull = (subject: string): Grant => ({ subject, kind: "stream" });
const gate = (subject: string): Grant => ({ subject, kind: "gate" });
const CREATE = "$JS.API.CONSUMER.CREATE";

/** Full use of one KV bucket held for a single tenant: keys, gets, and watches into its own inbox. */
export function bucketGrants(bucket: string): Grant[] {
  const stream = JS_API.kvStream(bucket);
  return [
    request(JS_API.kvKeys(bucket)),
    request(JS_API.streamInfo(stream)),
    request(JS_API.streamMsgGet(stream)),
    request(JS_API.directGet(stream)),
    request(JS_API.directGetAny(stream)),
    // Watches, keys and history use ordered push consumers: created through the gate, which only
    // lets them deliver into the tenant's own inbox prefix.
    gate(`${CREATE}.${stream}`),
    gate(`${CREATE}.${stream}.>`),
    request(JS_API.consumerInfo(stream, "*")),
    gate(JS_API.consumerDelete(stream, "*")),
    request(JS_API.flowControl(stream)),
  ];
}

/** Info, pull and ack of consumers the admin created with a fixed filter. */
export function durableGrants(consumers: readonly InboxConsumer[]): Grant[] {
  return consumers.flatMap((c) => [request(JS_API.consumerInfo(c.stream, c.name)), pull(JS_API.consumerNext(c.stream, c.name)), request(JS_API.ack(c.stream, c.name))]);
}

/** The streams and filters an organisation may read: its own audiences, or everything for the platform. */
export function readableFilters(org: Organisation): { stream: string; filter: string }[] {
  if (org.roles.includes("platform")) return [{ stream: STREAMS.coord.name, filter: ALL_COORD }, { stream: STREAMS.case.name, filter: ALL_CASE }];
  return [
    { stream: STREAMS.coord.name, filter: audienceFilter(org.id) },
    { stream: STREAMS.coord.name, filter: audienceFilter(org.level) },
    { stream: STREAMS.coord.name, filter: audienceFilter("all") },
    { stream: STREAMS.case.name, filter: audienceFilter(org.id, ROOTS.case) },
  ];
}

function feedGrants(org: Organisation): Grant[] {
  const filters = readableFilters(org);
  const grants: Grant[] = [];
  for (let slot = 1; slot <= FEED_SLOTS; slot++) {
    const name = feedConsumerName(org.id, slot);
    // The filter travels in the create subject; JetStream refuses a body whose filter differs.
    for (const { stream, filter } of filters) grants.push(gate(JS_API.consumerCreateFiltered(stream, name, filter)));
    for (const stream of new Set(filters.map((f) => f.stream))) {
      grants.push(request(JS_API.consumerInfo(stream, name)), pull(JS_API.consumerNext(stream, name)), gate(JS_API.consumerDelete(stream, name)), request(JS_API.ack(stream, name)));
    }
  }
  return grants;
}

/** Buckets the platform keeps its obligations, digest windows, delivery records and trace index in. */
export const platformBuckets = ["obligations", "digests", "deliveries", "traces"];

/** The buckets each organisation holds: its own state, and its case state (two whatever the registry's size). */
export function organisationBuckets(org: string): string[] {
  return [orgStateBucket(org), caseStateBucket(org)];
}

/** Everything one organisation's account imports from the platform account. */
export function organisationGrants(org: Organisation): Grant[] {
  const platform = org.roles.includes("platform");
  const durables = durableConsumersOf(org);
  const buckets = [...organisationBuckets(org.id), ...(platform ? platformBuckets : [])];
  return [
    request(senderFilter(org.id, ROOTS.coord)),
    request(senderFilter(org.id, ROOTS.case)),
    request(deadLetterFilter(org.id)),
    request(readsFilter(org.id)),
    request(JS_API.info),
    ...durableGrants(durables),
    ...feedGrants(org),
    ...buckets.flatMap(bucketGrants),
  ];
}

/** The audit reads every stored message through its own consumers and writes only its checkpoints. */
export function auditGrants(): Grant[] {
  const grants: Grant[] = [request(JS_API.info)];
  for (const c of auditConsumers()) {
    grants.push(gate(JS_API.consumerCreateFiltered(c.stream, c.name, c.filter)), gate(JS_API.consumerDelete(c.stream, c.name)));
    // Stream info tells the auditor how far the stream goes; MSG.GET lets `audit verify` re-read a record.
    grants.push(request(JS_API.streamInfo(c.stream)), request(JS_API.streamMsgGet(c.stream)));
  }
  return [...grants, ...durableGrants(auditConsumers()), ...bucketGrants(AUDIT_BUCKET)];
}

/** The same grants as user permissions: publish exactly the granted subjects, subscribe only the inbox. */
export function permissionsOf(id: string, grants: readonly Grant[]): Permissions {
  return { publish: { allow: [...new Set(grants.map((g) => g.subject))] }, subscribe: { allow: [`${inboxPrefix(id)}.>`] } };
}

/** Permissions of one organisation's user. */
export function organisationPermissions(org: Organisation): Permissions {
  return permissionsOf(org.id, organisationGrants(org));
}

/** Permissions of the audit identity's user. */
export function auditPermissions(): Permissions {
  return permissionsOf(AUDIT_ID, auditGrants());
}

