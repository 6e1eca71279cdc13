/**
 * Prometheus alerting rules made from the metric catalog (`@schakel/contracts` METRICS), so an
 * expression can only name a metric and a label that the services emit. `renderAlertRules()` is
 * the text of the committed `infra/prometheus/alerts.yml` (a test fails when they differ: run
 * `npm run prometheus -w @schakel/infra`); `renderScrapeConfig()` writes a scrape config for the
 * health ports of the processes. Each rule also says what to do when it fires (docs/OPERATIONS.md).
 */
import { METRIC_ATTRIBUTES as A, METRICS, prometheusLabel, prometheusName, type MetricDefinition } from "@schakel/contracts";

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires (Prometheus duration). */
  for: string;
  severity: "critical" | "warning";
  summary: string;
  description: string;
  /** What the operator does when it fires. */
  action: string;
}

/** The Prometheus job name of Schakel's processes in the scrape config. */
export const SCRAPE_JOB = "schakel";

const m = (def: MetricDefinition): string => prometheusName(def);
const l = prometheusLabel;
const ORG = l(A.organisation);
const CONSUMER = l(A.consumer);
const REASON = l(A.reason);
const KIND = l(A.obligationKind);
const LEAF = l(A.leaf);

/**
 * A counter that rose within `window`, also when its series is new (`increase` misses the first
 * sample of a series that appears with its first count: a process's first dead letter).
 */
function rose(def: MetricDefinition, by: string[], window: string): string {
  const name = m(def);
  const sum = `sum by (${by.join(", ")})`;
  return `${sum} (increase(${name}[${window}])) > 0 or ${sum} (${name} unless ${name} offset ${window}) > 0`;
}

export const LAGGING_PENDING = 100;
export const CHECKPOINT_STALE_SECONDS = 900;

/** Every alert, most urgent first. */
export const ALERTS: readonly AlertRule[] = [
  {
    alert: "SchakelServiceDown", expr: `up{job="${SCRAPE_JOB}"} == 0`, for: "1m", severity: "critical",
    summary: "A Schakel process does not answer its metrics scrape",
    description: "{{ $labels.instance }} has not answered for 1 minute: its organisations neither send nor receive.",
    action: "Check the process (systemd status, logs under `<data>/logs`); restart it. It resumes from its durable consumers: nothing stored is lost.",
  },
  {
    alert: "SchakelOrganisationDisconnected", expr: `${m(METRICS.connected)} == 0`, for: "2m", severity: "critical",
    summary: "An organisation's connection to the bus is down",
    description: `{{ $labels.${ORG} }} has been disconnected from the bus for 2 minutes (its service keeps reconnecting).`,
    action: "Check that nats-server is up and reachable from the service's machine (its `/healthz` and `/readyz`, the service log's `connection` lines), and the organisation's credentials (a revoked key is refused).",
  },
  {
    alert: "SchakelOrganisationLagging", expr: `max by (${ORG}, ${CONSUMER}) (${m(METRICS.consumerPending)}) > ${LAGGING_PENDING}`, for: "10m", severity: "warning",
    summary: "An organisation is not keeping up with its inbox",
    description: `{{ $labels.${CONSUMER} }} of {{ $labels.${ORG} }} has had more than ${LAGGING_PENDING} messages waiting for 10 minutes ({{ $value }} now).`,
    action: "Look at the service's log for failing handlers or retries; compare `messaging_process_duration` with the arrival rate; give the service more CPU or run the organisation in its own process.",
  },
  {
    alert: "SchakelOrganisationSilent",
    expr: `sum by (${ORG}) (${m(METRICS.consumerPending)}) > 0 unless on (${ORG}) sum by (${ORG}) (increase(${m(METRICS.consumed)}[15m])) > 0`,
    for: "5m", severity: "warning",
    summary: "An organisation has messages waiting and reads none",
    description: `{{ $labels.${ORG} }} has messages waiting and has read nothing for 15 minutes.`,
    action: "The service runs but does not read: look for `consumer unavailable` lines in its log and at its `/readyz`; restart it (it resumes from its durable consumers).",
  },
  {
    alert: "SchakelEscalationNotRaised", expr: `sum by (${ORG}, ${KIND}) (${m(METRICS.obligationsOverdue)}{${l(A.escalated)}="false"}) > 0`, for: "5m", severity: "critical",
    summary: "An obligation is overdue and the platform has not escalated it",
    description: `{{ $labels.${ORG} }} owes {{ $value }} {{ $labels.${KIND} }}(s) past the deadline without an escalation for 5 minutes: the platform's deadline watcher is not acting.`,
    action: "Check the platform process (its log: `watch-error` lines, and whether it reads: `vpr--platform` backlog). It escalates on its own once it has read up to the deadline.",
  },
  {
    alert: "SchakelObligationOverdue", expr: `sum by (${ORG}, ${KIND}) (${m(METRICS.obligationsOverdue)}{${l(A.escalated)}="true"}) > 0`, for: "30m", severity: "warning",
    summary: "An organisation has not met an obligation even after its escalation",
    description: `{{ $labels.${ORG} }} still owes {{ $value }} {{ $labels.${KIND} }}(s) 30 minutes after they were escalated.`,
    action: "Contact the organisation (the escalation went to it and to the sender); the console's obligations page lists what it owes.",
  },
  {
    alert: "SchakelDeadLettersRising", expr: rose(METRICS.deadLettered, [ORG, REASON], "15m"), for: "0m", severity: "warning",
    summary: "Messages are being dead-lettered",
    description: `{{ $labels.${ORG} }} filed messages in the dead-letter stream with reason {{ $labels.${REASON} }} in the last 15 minutes.`,
    action: "Read them in the console's refused messages (as the platform; reason and detail per message) or the DEADLETTER stream. handler-failed: a bug or a dependency down, fix and replay; forged, unknown-key, revoked-key: a security incident, see docs/SECURITY.md.",
  },
  {
    alert: "SchakelLeafLinkDown", expr: `${m(METRICS.leafLinksMissing)} > 0`, for: "2m", severity: "critical",
    summary: "A leaf node's link is down",
    description: `{{ $value }} link(s) of leaf {{ $labels.${LEAF} }} to {{ $labels.instance }} have been down for 2 minutes. The leaf keeps accepting publications in its OUTBOX.`,
    action: "Check the leaf's nats-server and the network to the hub's leaf port. Nothing is lost: the hub sources the OUTBOX when the link is back (see Leaf nodes).",
  },
  {
    alert: "SchakelAuditCheckpointStale", expr: `${m(METRICS.auditCheckpointAge)} > ${CHECKPOINT_STALE_SECONDS}`, for: "5m", severity: "warning",
    summary: "Audit records are not anchored by a checkpoint",
    description: "The audit chain has records that no checkpoint has covered for {{ $value }} s.",
    action: "Check the auditor's log for checkpoint errors (the `audit` bucket unreachable or full) and run `schakel audit verify`.",
  },
  {
    alert: "SchakelConsumerGateRefusals", expr: rose(METRICS.gateRefusals, [ORG, REASON], "10m"), for: "0m", severity: "warning",
    summary: "The consumer gate refused a consumer request",
    description: `{{ $labels.${ORG} }} sent a consumer create request the gate refused ({{ $labels.${REASON} }}) in the last 10 minutes.`,
    action: "not-granted is a client naming a stream, consumer or filter that is not its own; request-refused a client asking for push delivery outside its inbox or a body that differs from its subject: find which client (the gate's log names the subject) — outdated software or an attempt to read another inbox (docs/SECURITY.md). forward-failed: JetStream did not answer the gate.",
  },
];

const q = (s: string): string => JSON.stringify(s);

/** The rules file (Prometheus 2.x YAML). */
export function renderAlertRules(rules: readonly AlertRule[] = ALERTS): string {
  const lines = [
    "# Schakel alerting rules, generated from the metric catalog (contracts/src/metrics.ts) by infra/src/alerts.ts.",
    "# Do not edit: run \"npm run prometheus -w @schakel/infra\". What to do when one fires: docs/OPERATIONS.md.",
    "groups:",
    "  - name: schakel",
    "    rules:",
  ];
  for (const r of rules) {
    lines.push(
      `      - alert: ${r.alert}`,
      `        expr: ${q(r.expr)}`,
      `        for: ${r.for}`,
      "        labels:",
      `          severity: ${r.severity}`,
      "        annotations:",
      `          summary: ${q(r.summary)}`,
      `          description: ${q(r.description)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export interface ScrapeConfigOptions {
  /** `host:port` of each process's health server. */
  targets: readonly string[];
  /** Scrape and evaluation interval (default 15s). */
  interval?: string;
  /** Rule files, relative to the config file. */
  ruleFiles?: readonly string[];
}

/** A Prometheus config that scrapes the health ports' `/metrics`. */
export function renderScrapeConfig(opts: ScrapeConfigOptions): string {
  const interval = opts.interval ?? "15s";
  return [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(opts.ruleFiles?.length ? ["rule_files:", ...opts.ruleFiles.map((f) => `  - ${q(f)}`)] : []),
    "scrape_configs:",
    `  - job_name: ${SCRAPE_JOB}`,
    "    metrics_path: /metrics",
    "    static_configs:",
    `      - targets: [${opts.targets.map(q).join(", ")}]`,
    "",
  ].join("\n");
}
