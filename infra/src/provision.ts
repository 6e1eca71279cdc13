/**
 * Stream, consumer and KV provisioning, declared once and applied idempotently: what is missing
 * is created, what matches is left alone, and an existing object whose config differs is reported
 * as a conflict naming each field (it is changed only with `update: true`).
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, type ConsumerConfig, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { durableConsumersOf, orgStateBucket, STREAMS, type Registry } from "@schakel/contracts";
import { platformBuckets } from "./permissions.ts";
import { AUDIT_ID } from "./permissions.ts";

const DAY_NS = 24 * 3600 * 1e9;

export interface RetentionSettings {
  /** Coordination messages (default 10 years: the durable record of the platform). */
  coordDays: number;
  /** Case consultations expire sooner (default 90 days). */
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

/** The declared durable consumers: each organisation's inboxes, the platform's all-seeing one. */
export function consumerConfigs(registry: Registry): { stream: string; config: Partial<ConsumerConfig> }[] {
  return registry.organisations.flatMap((org) =>
    durableConsumersOf(org).map((c) => ({
      stream: c.stream,
      config: {
        durable_name: c.name,
        filter_subject: c.filter,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30 * 1e9,
        // No server-side max_deliver: before nats-server 2.9.22 a delivery to a pull request whose
        // link had just dropped still counted, and max_deliver dropped messages that never reached
        // the consumer. The bus client counts handler attempts and dead-letters (attempts.ts).
        max_deliver: -1,
        max_ack_pending: 1_000,
        description: `inbox of ${org.id}: ${c.filter}`,
      },
    })),
  );
}

export function bucketNames(registry: Registry): string[] {
  return [...platformBuckets, AUDIT_ID, ...registry.organisations.map((o) => orgStateBucket(o.id))];
}

export type Action = "created" | "unchanged" | "updated" | "conflict";
export interface ProvisionResult {
  kind: "stream" | "consumer" | "bucket";
  name: string;
  action: Action;
  differences: string[];
}

function differences(declared: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  return Object.entries(declared)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(actual[k] ?? (typeof v === "boolean" ? false : undefined)))
    .map(([k, v]) => `${k}: declared ${JSON.stringify(v)}, found ${JSON.stringify(actual[k])}`);
}

/** Applies the declaration; with `update` also rewrites conflicting objects where the server allows. */
export async function provision(nc: NatsConnection, jsm: JetStreamManager, registry: Registry, opts: { retention?: RetentionSettings; update?: boolean; maxMsgSize?: number; replicas?: number } = {}): Promise<ProvisionResult[]> {
  const results: ProvisionResult[] = [];
  for (const cfg of streamConfigs(opts.retention, opts.maxMsgSize, opts.replicas)) {
    const info = await jsm.streams.info(cfg.name!).catch(() => null);
    if (!info) {
      await jsm.streams.add(cfg);
      results.push({ kind: "stream", name: cfg.name!, action: "created", differences: [] });
      continue;
    }
    const diff = differences(cfg as Record<string, unknown>, info.config as unknown as Record<string, unknown>);
    if (diff.length && opts.update) await jsm.streams.update(cfg.name!, cfg);
    results.push({ kind: "stream", name: cfg.name!, action: diff.length ? (opts.update ? "updated" : "conflict") : "unchanged", differences: diff });
  }
  for (const { stream, config } of consumerConfigs(registry)) {
    const name = config.durable_name!;
    const info = await jsm.consumers.info(stream, name).catch(() => null);
    if (!info) {
      await jsm.consumers.add(stream, config);
      results.push({ kind: "consumer", name: `${stream}/${name}`, action: "created", differences: [] });
      continue;
    }
    const diff = differences(config as Record<string, unknown>, info.config as unknown as Record<string, unknown>);
    if (diff.length && opts.update) await jsm.consumers.update(stream, name, config);
    results.push({ kind: "consumer", name: `${stream}/${name}`, action: diff.length ? (opts.update ? "updated" : "conflict") : "unchanged", differences: diff });
  }
  const kvm = new Kvm(nc);
  for (const bucket of bucketNames(registry)) {
    const exists = await jsm.streams.info(`KV_${bucket}`).then(() => true, () => false);
    if (!exists) await kvm.create(bucket, { history: 1, replicas: opts.replicas ?? 1 });
    results.push({ kind: "bucket", name: bucket, action: exists ? "unchanged" : "created", differences: [] });
  }
  return results;
}
