/**
 * Names of the isolation layer: the broker accounts, the operator identities, the consumer gate
 * and the NATS control headers the abuse tests and the audit speak about. Like every other
 * subject and name of Schakel they are built here, never written by hand elsewhere.
 *
 * Why accounts: in one shared account a tenant can aim a pull request's reply subject (or a push
 * consumer's deliver subject) at another tenant's `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`
 * and drain that consumer into its own ack subject (verified on nats-server 2.9.10). Each
 * organisation therefore has its own account; the streams live in the platform account, which
 * exports to each organisation exactly the API subjects it may use, and replies crossing the
 * boundary are rewritten by the broker so they can never name a subject of the platform account.
 */
import { SubjectError } from "./errors.ts";
import { STREAMS, type InboxConsumer } from "./streams.ts";
import { ALL_CASE, ALL_COORD, ALL_DEADLETTER, ALL_READS } from "./subjects.ts";

/** The account holding the streams, KV buckets, the admin and the consumer gate. */
export const PLATFORM_ACCOUNT = "SCHAKEL";
/** The operator identity that provisions the broker (platform account, no restrictions). */
export const ADMIN_ID = "admin";
/** The operator identity that keeps the tamper-evident audit chain (its own account). */
export const AUDIT_ID = "audit";
/** Its account: upper case, so it can never collide with an organisation id (lower case). */
export const AUDIT_ACCOUNT = "AUDIT";
/** Identities that are not organisations; the registry may not use these ids. */
export const OPERATOR_IDS = [ADMIN_ID, AUDIT_ID] as const;

/** The KV bucket of the audit chain's checkpoints. */
export const AUDIT_BUCKET = "audit";

/**
 * The audit's durable pull consumers: everything stored, in order, one per stream. READS (the read
 * audit) is read by nobody else: no organisation has a consumer on it.
 */
export function auditConsumers(): InboxConsumer[] {
  return [
    { stream: STREAMS.coord.name, name: `${AUDIT_ID}--coord`, filter: ALL_COORD },
    { stream: STREAMS.case.name, name: `${AUDIT_ID}--case`, filter: ALL_CASE },
    { stream: STREAMS.deadletter.name, name: `${AUDIT_ID}--deadletter`, filter: ALL_DEADLETTER },
    { stream: STREAMS.reads.name, name: `${AUDIT_ID}--reads`, filter: ALL_READS },
  ];
}

/** KV key of the audit checkpoint after record `index` (zero-padded so keys sort by index). */
export function auditCheckpointKey(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new SubjectError(String(index), "is not a record index");
  return `checkpoint.${String(index).padStart(12, "0")}`;
}
export const AUDIT_CHECKPOINT_FILTER = "checkpoint.>";

const JS_CONSUMER = "$JS.API.CONSUMER";
const GATE_ROOT = "gate";
const TENANT = /^[A-Za-z][A-Za-z0-9-]{1,39}$/;

/** What the consumer gate does for a tenant: create a consumer, or delete one. */
export type GateVerb = "create" | "delete";
export const GATE_VERBS: readonly GateVerb[] = ["create", "delete"];
const API_VERB: Record<GateVerb, string> = { create: "CREATE", delete: "DELETE" };

/**
 * Consumer creation and deletion never reach JetStream directly from a tenant: its account maps
 * `$JS.API.CONSUMER.CREATE.>` to `gate.<tenant>.create.>` and `$JS.API.CONSUMER.DELETE.>` to
 * `gate.<tenant>.delete.>` in the platform account (one import per verb), where the consumer gate
 * checks the subject against the tenant's grants and the request body (no deliver subject outside
 * the tenant's own inbox, pull only on shared streams) before forwarding it. The tenant is the
 * subject's second token, bound to the importing account by the export.
 */
export const CONSUMER_GATE = {
  /** What the gate subscribes to. */
  filter: `${GATE_ROOT}.*.*.>`,
  /** The platform-side subject a tenant's request `verb` for `tail` is mapped to. */
  subject(tenant: string, tail: string, verb: GateVerb = "create"): string {
    if (!TENANT.test(tenant)) throw new SubjectError(`${GATE_ROOT}.${tenant}`, "names an invalid tenant");
    return `${GATE_ROOT}.${tenant}.${verb}.${tail}`;
  },
  /** Everything the gate accepts from one tenant for `verb` (the tenant's import, the platform account's export). */
  tenantExport(tenant: string, verb: GateVerb = "create"): string {
    return `${GATE_ROOT}.${tenant}.${verb}.>`;
  },
  /** Everything a tenant sends for `verb`: what its account maps to {@link CONSUMER_GATE.tenantExport}. */
  apiFilter(verb: GateVerb): string {
    return `${JS_CONSUMER}.${API_VERB[verb]}.>`;
  },
  /** The verb and tail of a JetStream API subject the gate serves; undefined for any other subject. */
  verbOf(apiSubject: string): { verb: GateVerb; tail: string } | undefined {
    for (const verb of GATE_VERBS) {
      const prefix = `${JS_CONSUMER}.${API_VERB[verb]}.`;
      if (apiSubject.startsWith(prefix) && apiSubject.length > prefix.length) return { verb, tail: apiSubject.slice(prefix.length) };
    }
    return undefined;
  },
  /** Splits a gate subject into the tenant, the verb and the JetStream API subject it stands for. */
  parse(subject: string): { tenant: string; verb: GateVerb; apiSubject: string; tail: string } {
    const t = subject.split(".");
    const verb = GATE_VERBS.find((v) => v === t[2]);
    if (t[0] !== GATE_ROOT || !verb || t.length < 4 || !TENANT.test(t[1] ?? "")) {
      throw new SubjectError(subject, `is not a consumer-gate subject (${GATE_ROOT}.<tenant>.create|delete.<stream>[.<name>[.<filter>]])`);
    }
    const tail = t.slice(3).join(".");
    return { tenant: t[1]!, verb, tail, apiSubject: `${JS_CONSUMER}.${API_VERB[verb]}.${tail}` };
  },
} as const;

/**
 * NATS headers that instruct JetStream rather than carry data. Schakel's streams refuse rollups;
 * the abuse matrix proves that none of them lets one organisation touch another's messages.
 */
export const NATS_CONTROL_HEADERS = {
  msgId: "Nats-Msg-Id",
  rollup: "Nats-Rollup",
  expectedStream: "Nats-Expected-Stream",
  expectedLastSequence: "Nats-Expected-Last-Sequence",
  expectedLastSubjectSequence: "Nats-Expected-Last-Subject-Sequence",
  expectedLastMsgId: "Nats-Expected-Last-Msg-Id",
} as const;

/** The client library's default reply-inbox filter: denied to every tenant (each has its own prefix). */
export const DEFAULT_INBOX_FILTER = "_INBOX.>";

/**
 * JetStream management and event subjects that no tenant is granted (they appear only in the
 * abuse tests and in operator tooling): stream management, message deletion, listings, advisories.
 */
export const JS_MANAGEMENT_API = {
  streamCreate: (stream: string) => `$JS.API.STREAM.CREATE.${stream}`,
  streamUpdate: (stream: string) => `$JS.API.STREAM.UPDATE.${stream}`,
  streamDelete: (stream: string) => `$JS.API.STREAM.DELETE.${stream}`,
  streamPurge: (stream: string) => `$JS.API.STREAM.PURGE.${stream}`,
  streamMsgDelete: (stream: string) => `$JS.API.STREAM.MSG.DELETE.${stream}`,
  /** Backup and restore (admin only: a snapshot holds every stored message). */
  streamSnapshot: (stream: string) => `$JS.API.STREAM.SNAPSHOT.${stream}`,
  streamRestore: (stream: string) => `$JS.API.STREAM.RESTORE.${stream}`,
  consumerList: (stream: string) => `$JS.API.CONSUMER.LIST.${stream}`,
  consumerCreateUnnamed: (stream: string) => `$JS.API.CONSUMER.CREATE.${stream}`,
  /** The concrete ack subject JetStream puts on a delivered message (2.9 layout). */
  ack: (stream: string, consumer: string, deliveries: number, streamSeq: number, consumerSeq: number, tsNanos: bigint, pending: number) =>
    `$JS.ACK.${stream}.${consumer}.${deliveries}.${streamSeq}.${consumerSeq}.${tsNanos}.${pending}`,
  advisories: "$JS.EVENT.>",
} as const;
