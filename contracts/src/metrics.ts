/**
 * The metric catalog: every metric Schakel emits, with its kind, unit, description and the
 * attributes it carries. The instruments (`instruments.ts`), the Prometheus alert rules
 * (`infra/src/alerts.ts`) and the metric table in docs/OPERATIONS.md are all made from it.
 *
 * Names follow the OpenTelemetry messaging semantic conventions where they define the metric
 * (`messaging.client.*`, `messaging.process.duration`); the rest are `schakel.*`. Attributes are
 * bounded: message type, reason, organisation, durable consumer, obligation kind, leaf — never a
 * message id, subject or free text, so a series count grows with the registry, not the traffic.
 */

/** The attribute names the metrics use (OpenTelemetry names where the conventions have one). */
export const METRIC_ATTRIBUTES = {
  system: "messaging.system.name",
  operation: "messaging.operation.name",
  consumer: "messaging.consumer.group.name",
  error: "error.type",
  type: "schakel.message.type",
  organisation: "schakel.organisation",
  outcome: "schakel.outcome",
  reason: "schakel.reason",
  obligationKind: "schakel.obligation.kind",
  escalated: "schakel.escalated",
  leaf: "schakel.leaf",
} as const;
export type MetricAttribute = (typeof METRIC_ATTRIBUTES)[keyof typeof METRIC_ATTRIBUTES];

/** `messaging.system.name` of every messaging metric (`messaging.system` is deprecated). */
export const MESSAGING_SYSTEM = "nats";

/** The value of `schakel.message.type` for a message whose type is not a catalog type (it cannot be trusted). */
export const UNKNOWN_TYPE = "unknown";

export const METRIC_KINDS = ["counter", "histogram", "gauge"] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export interface MetricDefinition {
  /** The OpenTelemetry name; Prometheus shows it with `_` for `.` (and `_total` on counters). */
  name: string;
  /** counter: only goes up; histogram: a distribution (latency); gauge: observed when scraped. */
  kind: MetricKind;
  /** UCUM unit: `s`, `1`, or a `{annotation}` for counts. */
  unit: string;
  description: string;
  attributes: readonly MetricAttribute[];
  /** True where the OpenTelemetry messaging semantic conventions define this metric. */
  semconv?: boolean;
  /** Who emits it (documentation). */
  source: string;
  /** Set when the metric is defined but nothing emits it yet, saying why. */
  notEmitted?: string;
}

const A = METRIC_ATTRIBUTES;

/** Every metric, by a short key used in code. */
export const METRICS = {
  sent: {
    name: "messaging.client.sent.messages", kind: "counter", unit: "{message}", semconv: true, source: "every organisation's bus client",
    description: "Messages sent to the bus (stored or refused by the broker), by type and sending organisation; failed sends carry error.type.",
    attributes: [A.system, A.operation, A.type, A.organisation, A.error],
  },
  publishDuration: {
    name: "messaging.client.operation.duration", kind: "histogram", unit: "s", semconv: true, source: "every organisation's bus client",
    description: "Time from sending a message to the stream's acknowledgement, by type and sending organisation.",
    attributes: [A.system, A.operation, A.type, A.organisation, A.error],
  },
  consumed: {
    name: "messaging.client.consumed.messages", kind: "counter", unit: "{message}", semconv: true, source: "every consuming service",
    description: "Messages read from a durable consumer, by type, receiving organisation, consumer and outcome (processed, ignored, duplicate, retry, rejected).",
    attributes: [A.system, A.operation, A.type, A.organisation, A.consumer, A.outcome],
  },
  processDuration: {
    name: "messaging.process.duration", kind: "histogram", unit: "s", semconv: true, source: "every consuming service",
    description: "Time a handler took for one message it processed, by type, receiving organisation and consumer.",
    attributes: [A.system, A.operation, A.type, A.organisation, A.consumer],
  },
  retried: {
    name: "schakel.messages.retried", kind: "counter", unit: "{message}", source: "every consuming service",
    description: "Failed handler runs that will be tried again (with backoff), by type, organisation, consumer and reason.",
    attributes: [A.type, A.organisation, A.consumer, A.reason],
  },
  deadLettered: {
    name: "schakel.messages.dead_lettered", kind: "counter", unit: "{message}", source: "every consuming service",
    description: "Messages filed in the dead-letter stream, by the consuming organisation, reason and type (unknown when the type cannot be trusted).",
    attributes: [A.organisation, A.reason, A.type],
  },
  connected: {
    name: "schakel.organisation.connected", kind: "gauge", unit: "1", source: "the service host",
    description: "1 while the organisation's connection to the bus is up, 0 while it is lost or closed (one series per organisation a service runs).",
    attributes: [A.organisation],
  },
  consumerPending: {
    name: "schakel.consumer.pending", kind: "gauge", unit: "{message}", source: "the service host",
    description: "Messages stored for a durable consumer and not yet delivered to it (consumer lag), sampled at most every few seconds.",
    attributes: [A.organisation, A.consumer],
  },
  consumerUnacknowledged: {
    name: "schakel.consumer.unacknowledged", kind: "gauge", unit: "{message}", source: "the service host",
    description: "Messages delivered to a durable consumer and not yet acknowledged.",
    attributes: [A.organisation, A.consumer],
  },
  obligationsOpen: {
    name: "schakel.obligations.open", kind: "gauge", unit: "{obligation}", source: "the platform",
    description: "Open obligations (unacknowledged notices, unanswered coordination requests) with a deadline, by kind and the organisation that owes them.",
    attributes: [A.obligationKind, A.organisation],
  },
  obligationsOverdue: {
    name: "schakel.obligations.overdue", kind: "gauge", unit: "{obligation}", source: "the platform",
    description: "Open obligations past their deadline, by kind, the organisation that owes them and whether the platform has escalated them.",
    attributes: [A.obligationKind, A.organisation, A.escalated],
  },
  escalationsRaised: {
    name: "schakel.escalations.raised", kind: "counter", unit: "{escalation}", source: "the platform",
    description: "Escalations published for missed obligations, by kind and the organisation that missed them.",
    attributes: [A.obligationKind, A.organisation],
  },
  auditChainLength: {
    name: "schakel.audit.chain.length", kind: "gauge", unit: "{record}", source: "the auditor",
    description: "Records in the audit hash chain.",
    attributes: [],
  },
  auditCheckpointAge: {
    name: "schakel.audit.checkpoint.age", kind: "gauge", unit: "s", source: "the auditor",
    description: "Seconds since the last checkpoint while the chain holds records after it; 0 when every record is checkpointed.",
    attributes: [],
  },
  leafLinks: {
    name: "schakel.leaf.links", kind: "gauge", unit: "{link}", source: "the process beside a nats-server with leaf links (its monitoring endpoint /leafz)",
    description: "Leaf links connected now, by leaf (the remote server's name where nats-server reports it, 2.10+; else the link's account).",
    attributes: [A.leaf],
  },
  leafLinksMissing: {
    name: "schakel.leaf.links.missing", kind: "gauge", unit: "{link}", source: "the process beside a nats-server with leaf links (its monitoring endpoint /leafz)",
    description: "Leaf links expected (or seen since the process started) and not connected now, by leaf.",
    attributes: [A.leaf],
  },
  gateRefusals: {
    name: "schakel.consumer_gate.refusals", kind: "counter", unit: "{request}", source: "the consumer gate",
    description: "Consumer create and delete requests the consumer gate refused, by tenant and reason (not-granted, request-refused, bad-subject, forward-failed).",
    attributes: [A.organisation, A.reason],
  },
  readAuditAppends: {
    name: "schakel.read_audit.appends", kind: "counter", unit: "{record}", source: "the read log",
    description: "Records appended to the read-audit log (who read which message), by organisation.",
    attributes: [A.organisation],
    notEmitted: "the read log does not exist yet; the metric is reserved so its name and labels are fixed before it does",
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/**
 * Why the consumer gate refused a request (the bounded `schakel.reason` of `gateRefusals`):
 * a stream, consumer or filter outside the tenant's grants, a body it may not send, a subject that
 * is not the gate's, or JetStream not answering.
 */
export const GATE_REFUSALS = ["not-granted", "request-refused", "bad-subject", "forward-failed"] as const;
export type GateRefusal = (typeof GATE_REFUSALS)[number];

/** An attribute name or a metric name as Prometheus shows it (`.` and other characters become `_`). */
export const prometheusLabel = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, "_").replace(/_+/g, "_");

/**
 * The name of a metric's series in a Prometheus scrape (the OpenTelemetry Prometheus exporter's
 * rules: counters get `_total`; histograms are `<name>_bucket`, `_sum` and `_count`).
 */
export function prometheusName(def: MetricDefinition): string {
  const base = prometheusLabel(def.name);
  return def.kind === "counter" && !base.endsWith("_total") ? `${base}_total` : base;
}
