/**
 * Stream, consumer and KV provisioning, declared once and applied idempotently: what is missing
 * is created, what matches is left alone, and an existing object whose config differs is reported
 * as a conflict naming each field (it is changed only with `update: true`). What exists is read in
 * paged lists, and the organisations' objects are created a few at a time.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type ConsumerConfig, type ConsumerInfo, type JetStreamManager, type StreamConfig, type StreamInfo } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { CASE_STATE_MOVED_KEY, caseStateBucket, durableConsumersOf, orgStateBucket, STREAMS, type Registry } from "@schakel/contracts";
import { AUDIT_ID, organisationBuckets, platformBuckets } from "./permissions.ts";

const DAY_NS = 24 * 3600 * 1e9;

export interface RetentionSettings {
  /** Coordination messages (default 10 years: the durable record of the platform). */
  coordDays: number;
  /** Case messages expire sooner (default 90 days); so does each organisation's case state bucket `case-<org>`. */
  caseDays: number;
  deadLetterDays: number;
  /** The read audit (default: as long as coordination messages, the records it is about). */
  readsDays?: number;
  /** Sandbox replays are for development (default 1 hour). */
  sandboxHours: number;
  /** Duplicate window; at least the signature clock-skew tolerance (default 10 min). */
  duplicateWindowMinutes: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { coordDays: 3650, caseDays: 90, deadLetterDays: 365, sandboxHours: 1, duplicateWindowMinutes: 10 };

/** The declared streams; `replicas` is 3 on a cluster (each write held by a quorum), 1 on one node. */
export function streamConfigs(r: RetentionSettings = DEFAULT_RETENTION, maxMsgSize = 1024 * 1024, replicas = 1): (Partial<StreamConfig> & { name: string })[] {
  const base = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    duplicate_window: r.duplicateWindowMinutes * 60 * 1e9,
    max_msg_size: maxMsgSize,
    allow_rollup_hdrs: false,
    deny_delete: true,
    deny_purge: true,
  };
  return [
    { ...base, name: STREAMS.coord.name, subjects: [...STREAMS.coord.subjects], max_age: r.coordDays * DAY_NS, description: "Coordination messages between the levels" },
    { ...base, name: STREAMS.case.name, subjects: [...STREAMS.case.subjects], max_age: r.caseDays * DAY_NS, description: "Case consultations (sealed content), shorter retention" },
    { ...base, name: STREAMS.deadletter.name, subjects: [...STREAMS.deadletter.subjects], max_age: r.deadLetterDays * DAY_NS, description: "Refused messages with their reason" },
    // Who saw what about whom: kept as long as what was seen, never deleted or purged by anyone.
    { ...base, name: STREAMS.reads.name, subjects: [...STREAMS.reads.subjects], max_age: (r.readsDays ?? r.coordDays) * DAY_NS, description: "The read audit: who saw what about whom (read by the audit only)" },
    { ...base, name: STREAMS.sandbox.name, subjects: [...STREAMS.sandbox.subjects], max_age: r.sandboxHours * 3600 * 1e9, deny_purge: false, deny_delete: false, description: "Replays for services under development" },
  ];
}

type Declared = { stream: string; config: Partial<ConsumerConfig> };
/** One connection provisioning runs requests on. */
type Lane = { nc: NatsConnection; jsm: JetStreamManager };

/** How long a durable consumer waits for an acknowledgement before it delivers a message again. */
const DEFAULT_ACK_WAIT_MS = 30_000;

/** One organisation's declared durable consumers: its inboxes, and the platform's all-seeing one. */
function consumerConfigsOf(org: Registry["organisations"][number], ackWaitMs = DEFAULT_ACK_WAIT_MS): Declared[] {
  return durableConsumersOf(org).map((c) => ({
    stream: c.stream,
    config: {
      durable_name: c.name,
      filter_subject: c.filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ackWaitMs * 1e6,
      // No server-side max_deliver: before nats-server 2.9.22 a delivery to a pull request whose
      // link had just dropped still counted, and max_deliver dropped messages that never reached
      // the consumer. The bus client counts handler attempts and dead-letters (attempts.ts).
      max_deliver: -1,
      max_ack_pending: 1_000,
      description: `inbox of ${org.id}: ${c.filter}`,
    },
  }));
}

/** The declared durable consumers: each organisation's inboxes, the platform's all-seeing one. */
export function consumerConfigs(registry: Registry): Declared[] {
  return registry.organisations.flatMap((o) => consumerConfigsOf(o));
}

export function bucketNames(registry: Registry): string[] {
  return [...platformBuckets, AUDIT_ID, ...registry.organisations.flatMap((o) => organisationBuckets(o.id))];
}

/**
 * The max_age of each organisation's case state bucket, in nanoseconds: as long as the CASE stream
 * keeps a case message (`caseDays`), in whole milliseconds (what a bucket's config holds).
 */
export function caseStateMaxAge(r: RetentionSettings = DEFAULT_RETENTION): number {
  return Math.round(r.caseDays * 86_400_000) * 1e6;
}

export type Action = "created" | "unchanged" | "updated" | "conflict";
export interface ProvisionResult {
  kind: "stream" | "consumer" | "bucket";
  name: string;
  action: Action;
  differences: string[];
}

export interface ProvisionOptions {
  retention?: RetentionSettings;
  /** Rewrite conflicting objects where the server allows (default: report them only). */
  update?: boolean;
  maxMsgSize?: number;
  replicas?: number;
  /** Objects created or compared at the same time (default {@link PROVISION_CONCURRENCY}). */
  concurrency?: number;
  /** Told once an organisation's own consumers and bucket exist (after the shared streams and buckets). */
  onOrganisation?: (org: string) => void;
  /**
   * The durable consumers' `ack_wait` (default {@link DEFAULT_ACK_WAIT_MS}): how long a message
   * delivered to a reader that crashed stays away before it is delivered again. Deployments keep
   * the default; crash tests shorten it so the redelivery they wait for comes in seconds.
   */
  ackWaitMs?: number;
  /**
   * Further connections (of the same identity) the organisations' objects are spread over.
   * nats-server answers one connection's API requests one after the other, so at hundreds of
   * organisations a few connections make provisioning about twice as fast as one.
   */
  helpers?: readonly NatsConnection[];
}

/**
 * Objects provisioned at once. nats-server creates the consumers of one stream one after the other,
 * but a bucket (a stream of its own) and the consumers of another stream meanwhile; a few at a time
 * keep every one of them busy without queueing hundreds of requests behind each other.
 */
export const PROVISION_CONCURRENCY = 8;

function differences(declared: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  return Object.entries(declared)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(actual[k] ?? (typeof v === "boolean" ? false : undefined)))
    .map(([k, v]) => `${k}: declared ${JSON.stringify(v)}, found ${JSON.stringify(actual[k])}`);
}

/**
 * Runs `work` for each item, at most `limit` at once (`worker` numbers the lane an item runs in);
 * the first failure is thrown once the others settled.
 */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (worker: number): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      await work(item, worker).catch((error: unknown) => void (failure ??= { error }));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, worker) => lane(worker)));
  if (failure) throw failure.error;
}

/** Every stream the server holds, by name: one paged list instead of one request per object. */
async function existingStreams(jsm: JetStreamManager): Promise<Map<string, StreamInfo>> {
  const out = new Map<string, StreamInfo>();
  for await (const info of jsm.streams.list()) out.set(info.config.name, info);
  return out;
}

async function existingConsumers(jsm: JetStreamManager, stream: string): Promise<Map<string, ConsumerInfo>> {
  const out = new Map<string, ConsumerInfo>();
  for await (const info of jsm.consumers.list(stream)) out.set(info.name, info);
  return out;
}

/**
 * Applies the declaration; with `update` also rewrites conflicting objects where the server allows.
 * What exists is read in a few paged lists, and only what is missing or differs costs a request, so
 * a second run is quick; the organisations' consumers and buckets are created a few at a time
 * (`concurrency`). Results come in the declared order: streams, consumers, buckets.
 */
export async function provision(nc: NatsConnection, jsm: JetStreamManager, registry: Registry, opts: ProvisionOptions = {}): Promise<ProvisionResult[]> {
  const limit = opts.concurrency ?? PROVISION_CONCURRENCY;
  const streams = await existingStreams(jsm);
  const streamResults: ProvisionResult[] = [];
  for (const cfg of streamConfigs(opts.retention, opts.maxMsgSize, opts.replicas)) {
    const info = streams.get(cfg.name);
    if (!info) {
      await jsm.streams.add(cfg);
      streamResults.push({ kind: "stream", name: cfg.name, action: "created", differences: [] });
      continue;
    }
    const diff = differences(cfg as Record<string, unknown>, info.config as unknown as Record<string, unknown>);
    if (diff.length && opts.update) await jsm.streams.update(cfg.name, cfg);
    streamResults.push({ kind: "stream", name: cfg.name, action: diff.length ? (opts.update ? "updated" : "conflict") : "unchanged", differences: diff });
  }

  const declaredOf = new Map(registry.organisations.map((o) => [o.id, consumerConfigsOf(o, opts.ackWaitMs)]));
  const declared = [...declaredOf.values()].flat();
  const consumers = new Map<string, Map<string, ConsumerInfo>>();
  for (const stream of new Set(declared.map((c) => c.stream))) consumers.set(stream, await existingConsumers(jsm, stream));
  // The organisations' objects are spread over the admin connection and its helpers, by lane.
  const lanes = [{ nc, jsm }, ...(await Promise.all((opts.helpers ?? []).map(async (h) => ({ nc: h, jsm: await jetstreamManager(h) }))))];
  const laneOf = (worker: number) => lanes[worker % lanes.length]!;
  const consumerResults = new Map<string, ProvisionResult>();
  const ensureConsumer = async ({ stream, config }: Declared, lane = lanes[0]!): Promise<void> => {
    const name = config.durable_name!;
    const info = consumers.get(stream)?.get(name);
    let result: ProvisionResult;
    if (!info) {
      await lane.jsm.consumers.add(stream, config);
      result = { kind: "consumer", name: `${stream}/${name}`, action: "created", differences: [] };
    } else {
      const diff = differences(config as Record<string, unknown>, info.config as unknown as Record<string, unknown>);
      if (diff.length && opts.update) await jsm.consumers.update(stream, name, config);
      result = { kind: "consumer", name: `${stream}/${name}`, action: diff.length ? (opts.update ? "updated" : "conflict") : "unchanged", differences: diff };
    }
    consumerResults.set(result.name, result);
  };

  const bucketResults = new Map<string, ProvisionResult>();
  const ensureBucket = async (bucket: string, opt: { maxAgeNs?: number; marker?: string } = {}, lane = lanes[0]!): Promise<void> => {
    const maxAgeNs = opt.maxAgeNs ?? 0;
    const info = streams.get(`KV_${bucket}`);
    if (!info) {
      const kv = await new Kvm(lane.nc).create(bucket, { history: 1, replicas: opts.replicas ?? 1, ...(maxAgeNs ? { ttl: maxAgeNs / 1e6 } : {}) });
      // A new bucket's first record (only a bucket this call created: an existing one is never written).
      if (opt.marker) await kv.put(opt.marker, JSON.stringify({ createdAt: new Date().toISOString() }));
      bucketResults.set(bucket, { kind: "bucket", name: bucket, action: "created", differences: [] });
      return;
    }
    // Only the retention is compared: it is what a case state bucket is for.
    const diff = differences({ max_age: maxAgeNs }, info.config as unknown as Record<string, unknown>);
    // A duplicate window may not exceed max_age: a shorter retention shortens it too.
    const window = maxAgeNs ? Math.min(info.config.duplicate_window, maxAgeNs) : info.config.duplicate_window;
    if (diff.length && opts.update) await jsm.streams.update(info.config.name, { ...info.config, max_age: maxAgeNs, duplicate_window: window });
    bucketResults.set(bucket, { kind: "bucket", name: bucket, action: diff.length ? (opts.update ? "updated" : "conflict") : "unchanged", differences: diff });
  };

  const shared = [...platformBuckets, AUDIT_ID];
  await inParallel(shared, limit, (b) => ensureBucket(b));
  // One task per object, an organisation's objects next to each other: each organisation is ready early.
  const byOrg = new Map(registry.organisations.map((o) => [o.id, 0]));
  const caseMaxAge = caseStateMaxAge(opts.retention);
  // A new `org-<id>` never held case records the way an earlier release kept them: it starts with
  // the marker that says they live in `case-<id>`, so the organisation's first start has nothing to move.
  const tasks = registry.organisations.flatMap((org) => [
    ...declaredOf.get(org.id)!.map((c) => ({ org: org.id, run: (lane: Lane) => ensureConsumer(c, lane) })),
    { org: org.id, run: (lane: Lane) => ensureBucket(orgStateBucket(org.id), { marker: CASE_STATE_MOVED_KEY }, lane) },
    { org: org.id, run: (lane: Lane) => ensureBucket(caseStateBucket(org.id), { maxAgeNs: caseMaxAge }, lane) },
  ]);
  for (const t of tasks) byOrg.set(t.org, byOrg.get(t.org)! + 1);
  await inParallel(tasks, limit * lanes.length, async (t, worker) => {
    await t.run(laneOf(worker));
    const left = byOrg.get(t.org)! - 1;
    byOrg.set(t.org, left);
    if (left === 0) opts.onOrganisation?.(t.org);
  });

  return [
    ...streamResults,
    ...declared.map((c) => consumerResults.get(`${c.stream}/${c.config.durable_name!}`)!),
    ...bucketNames(registry).map((b) => bucketResults.get(b)!),
  ];
}
