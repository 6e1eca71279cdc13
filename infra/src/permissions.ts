/**
 * Broker-enforced isolation: the nats-server permissions of every identity, generated from the
 * registry. Deny by default — each identity gets an exact allow list:
 * - publish only as itself (`coord.*.<org>.>`), read only what is addressed to it (itself, its
 *   level, all), through its own durable consumers and a finite set of feed slots whose filter the
 *   broker checks against the create subject;
 * - its own reply-inbox prefix (`_INBOX_<org>`), never `_INBOX.>`;
 * - no stream or consumer management, no MSG.GET / DIRECT.GET on shared streams, no `$JS.>`.
 */
import {
  audienceFilter, deadLetterFilter, FEED_SLOTS, feedConsumerName, inboxConsumers, inboxPrefix, JS_API, orgStateBucket,
  platformConsumers, ROOTS, senderFilter, STREAMS, ALL_COORD, ALL_CASE, type Organisation,
} from "@schakel/contracts";

export interface Permissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
}

/** Full use of one KV bucket owned by a single identity (its stream holds nobody else's data). */
export function bucketGrants(bucket: string): string[] {
  const stream = JS_API.kvStream(bucket);
  return [
    JS_API.kvKeys(bucket),
    JS_API.streamInfo(stream),
    JS_API.streamMsgGet(stream),
    JS_API.directGet(stream),
    JS_API.directGetAny(stream),
    ...JS_API.consumerCreateAny(stream),
    `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.*`,
    JS_API.consumerInfo(stream, "*"),
    JS_API.consumerNext(stream, "*"),
    JS_API.consumerDelete(stream, "*"),
    `$JS.ACK.${stream}.>`,
    JS_API.flowControl(stream),
  ];
}

function durableGrants(org: Organisation): string[] {
  const consumers = [...inboxConsumers(org.id, org.level), ...(org.roles.includes("platform") ? platformConsumers(org.id) : [])];
  return consumers.flatMap((c) => [JS_API.consumerInfo(c.stream, c.name), JS_API.consumerNext(c.stream, c.name), JS_API.ack(c.stream, c.name)]);
}

function feedGrants(org: Organisation, filters: { stream: string; filter: string }[]): string[] {
  const grants: string[] = [];
  for (let slot = 1; slot <= FEED_SLOTS; slot++) {
    const name = feedConsumerName(org.id, slot);
    for (const { stream, filter } of filters) grants.push(JS_API.consumerCreateFiltered(stream, name, filter));
    for (const stream of new Set(filters.map((f) => f.stream))) {
      grants.push(JS_API.consumerInfo(stream, name), JS_API.consumerNext(stream, name), JS_API.consumerDelete(stream, name), JS_API.ack(stream, name));
    }
  }
  return grants;
}

/** Permissions of one organisation's user. */
export function organisationPermissions(org: Organisation): Permissions {
  const platform = org.roles.includes("platform");
  const readable = platform
    ? [{ stream: STREAMS.coord.name, filter: ALL_COORD }, { stream: STREAMS.case.name, filter: ALL_CASE }]
    : [
        { stream: STREAMS.coord.name, filter: audienceFilter(org.id) },
        { stream: STREAMS.coord.name, filter: audienceFilter(org.level) },
        { stream: STREAMS.coord.name, filter: audienceFilter("all") },
        { stream: STREAMS.case.name, filter: audienceFilter(org.id, ROOTS.case) },
      ];
  const buckets = [orgStateBucket(org.id), ...(platform ? platformBuckets : [])];
  return {
    publish: {
      allow: [
        senderFilter(org.id, ROOTS.coord),
        senderFilter(org.id, ROOTS.case),
        deadLetterFilter(org.id),
        JS_API.info,
        ...durableGrants(org),
        ...feedGrants(org, readable),
        ...buckets.flatMap(bucketGrants),
      ],
    },
    subscribe: { allow: [`${inboxPrefix(org.id)}.>`, ...readable.map((r) => r.filter)] },
  };
}

/** Buckets the platform keeps its obligations, digest windows, delivery records and trace index in. */
export const platformBuckets = ["obligations", "digests", "deliveries", "traces"];

/** The audit identity reads every stream (through its own slots) and writes only the audit chain. */
export const AUDIT_ID = "audit";
export const AUDIT_SLOTS = 8;
export function auditPermissions(): Permissions {
  const streams = [STREAMS.coord.name, STREAMS.case.name, STREAMS.deadletter.name];
  const grants: string[] = [JS_API.info, JS_API.streamNames, JS_API.streamList];
  for (const stream of streams) grants.push(JS_API.streamInfo(stream));
  for (let slot = 1; slot <= AUDIT_SLOTS; slot++) {
    const name = `${AUDIT_ID}--${slot}`;
    for (const stream of streams) {
      grants.push(JS_API.consumerCreateNamed(stream, name), `${JS_API.consumerCreateNamed(stream, name)}.>`, JS_API.consumerInfo(stream, name),
        JS_API.consumerNext(stream, name), JS_API.consumerDelete(stream, name), JS_API.ack(stream, name));
    }
  }
  return {
    publish: { allow: [...grants, ...bucketGrants("audit")] },
    subscribe: { allow: [`${inboxPrefix(AUDIT_ID)}.>`] },
  };
}
