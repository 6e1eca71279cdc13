/**
 * Judging a snapshot of the bus (gather.ts): per organisation whether it is connected, how far its
 * inbox consumers are behind, its last message, its overdue obligations and dead letters; the
 * streams; the auditor's position. The bus is `degraded` when any organisation is disconnected or
 * has no inbox consumers, lags beyond `maxLag`, owes an overdue obligation, or had a dead letter
 * in the window, or when the auditor is behind by more than `maxLag` or has not started; each
 * such fact is one reason. The result is the `--json` document: its field names are stable.
 */
import { AUDIT_ACCOUNT, auditConsumers, durableConsumersOf, STREAMS } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { consumerKey, type Snapshot } from "./gather.ts";

export type Health = "healthy" | "degraded";

export interface OrgStatus {
  org: string;
  name: string;
  level: string;
  health: "ok" | "degraded";
  /** What is wrong with it, worst first (empty when ok). */
  problems: string[];
  /** null: no source could tell (neither `/readyz` nor the server's monitoring, and no reader pulling). */
  connected: boolean | null;
  connectedVia: "readyz" | "connz" | "pulls" | null;
  /** Client connections in its broker account (from the monitoring endpoint), when known. */
  connections: number | null;
  /** The hosting process's reason when it is not ready. */
  reason: string | null;
  /** Messages waiting for its inbox consumers, and delivered but not yet acknowledged. */
  pending: number;
  unacknowledged: number;
  /** Inbox consumers that do not exist (the organisation was not provisioned). */
  missingConsumers: string[];
  lastMessageAt: string | null;
  lastSentAt: string | null;
  lastReceivedAt: string | null;
  overdueObligations: number;
  deadLetters: number;
  deadLetterReasons: Record<string, number>;
}

export interface StreamStatus {
  name: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstAt: string | null;
  lastAt: string | null;
  consumers: number;
}

export interface AuditorStream {
  stream: string;
  consumer: string;
  /** False when the auditor never read this stream (its durable does not exist). */
  present: boolean;
  /** The last sequence chained without a gap (acknowledged). */
  position: number;
  lastSeq: number;
  behind: number;
}

export interface StatusReport {
  at: string;
  url: string;
  health: Health;
  reasons: string[];
  window: { ms: number; since: string; truncated: string[] };
  thresholds: { maxLag: number };
  sources: { readyz: SourceState; connz: SourceState };
  summary: { organisations: number; connected: number; disconnected: number; unknown: number; withoutService: number; lagging: number; overdueObligations: number; deadLetters: number };
  organisations: OrgStatus[];
  streams: StreamStatus[];
  auditor: { connected: boolean | null; behind: number; streams: AuditorStream[]; checkpoint: { index: number; hash: string; at: string } | null };
}

export interface SourceState {
  state: "ok" | "absent" | "unavailable";
  url: string | null;
  reason: string | null;
}

export interface JudgeOptions {
  url: string;
  maxLag: number;
  windowMs: number;
  /** Only this organisation is shown and judged. */
  org?: string | undefined;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `1h`, `15m`, `90s`: a window or an interval as people write it. */
export function shortDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

function connectionOf(org: string, snap: Snapshot, waitingPulls: number): Pick<OrgStatus, "connected" | "connectedVia" | "connections" | "reason"> {
  const connections = snap.connections.state === "ok" ? snap.connections.value.get(org) ?? 0 : null;
  const ready = snap.readiness.state === "ok" ? snap.readiness.value.get(org) : undefined;
  if (ready) return { connected: ready.ready, connectedVia: "readyz", connections, reason: ready.ready ? null : ready.reason };
  // The hosting process does not run it and nothing else is connected for it: an organisation
  // that only uses the CLI (as vvsg in `schakel up`), not a service that went away.
  if (snap.readiness.state === "ok" && connections === 0) return { connected: null, connectedVia: "connz", connections, reason: "no service runs it here (CLI only)" };
  if (connections !== null) return { connected: connections > 0, connectedVia: "connz", connections, reason: connections > 0 ? null : "no connection in its account" };
  // Neither source: a reader pulling from its inbox is connected; none pulling proves nothing.
  return waitingPulls > 0 ? { connected: true, connectedVia: "pulls", connections, reason: null } : { connected: null, connectedVia: null, connections, reason: null };
}

function orgStatus(snap: Snapshot, directory: KeyDirectory, org: { id: string; name: string; level: string; roles: readonly string[] }, maxLag: number): OrgStatus {
  const consumers = durableConsumersOf(org);
  let pending = 0;
  let unacknowledged = 0;
  let waitingPulls = 0;
  const missingConsumers: string[] = [];
  for (const c of consumers) {
    const found = snap.consumers.get(consumerKey(c.stream, c.name));
    if (!found) missingConsumers.push(`${c.stream}/${c.name}`);
    pending += found?.pending ?? 0;
    unacknowledged += found?.unacknowledged ?? 0;
    waitingPulls += found?.waitingPulls ?? 0;
  }
  const activity = snap.activity.of(org.id, directory.audiencesOf(org.id));
  const last = Math.max(activity.lastSentAt ?? 0, activity.lastReceivedAt ?? 0);
  const deadLetterReasons: Record<string, number> = {};
  for (const d of snap.activity.deadLetters(snap.at)) if (d.org === org.id) deadLetterReasons[d.reason] = (deadLetterReasons[d.reason] ?? 0) + 1;
  const deadLetters = Object.values(deadLetterReasons).reduce((a, b) => a + b, 0);
  const overdueObligations = snap.overdue.filter((o) => o.owedBy === org.id).length;
  const connection = connectionOf(org.id, snap, waitingPulls);
  const problems: string[] = [];
  // The hosting process's reason says more than "disconnected"; the server's connection list does not.
  if (connection.connected === false) problems.push(connection.connectedVia === "readyz" && connection.reason ? `not ready: ${connection.reason}` : "disconnected");
  if (missingConsumers.length) problems.push(`no inbox consumer ${missingConsumers.join(", ")}`);
  if (overdueObligations) problems.push(plural(overdueObligations, "overdue obligation"));
  if (deadLetters) problems.push(plural(deadLetters, "dead letter"));
  if (pending + unacknowledged > maxLag) problems.push(`${pending + unacknowledged} behind`);
  return {
    org: org.id, name: org.name, level: org.level, health: problems.length ? "degraded" : "ok", problems, ...connection,
    pending, unacknowledged, missingConsumers, lastMessageAt: last > 0 ? iso(last) : null, lastSentAt: iso(activity.lastSentAt), lastReceivedAt: iso(activity.lastReceivedAt),
    overdueObligations, deadLetters, deadLetterReasons,
  };
}

/** How bad an organisation's state is, for putting the worst first. */
function severity(o: OrgStatus): number {
  if (o.connected === false || o.missingConsumers.length) return 4;
  if (o.overdueObligations) return 3;
  if (o.deadLetters) return 2;
  return o.problems.length ? 1 : 0;
}

export function worstFirst(a: OrgStatus, b: OrgStatus): number {
  return severity(b) - severity(a) || b.pending + b.unacknowledged - (a.pending + a.unacknowledged) || a.org.localeCompare(b.org);
}

/** `a, b, c and 4 more`. */
function some(items: string[], n = 3): string {
  return items.length <= n ? items.join(", ") : `${items.slice(0, n).join(", ")} and ${items.length - n} more`;
}

function auditorOf(snap: Snapshot): StatusReport["auditor"] {
  const streams = auditConsumers().map((c): AuditorStream => {
    const found = snap.consumers.get(consumerKey(c.stream, c.name));
    const lastSeq = snap.streams.find((s) => s.name === c.stream)?.lastSeq ?? 0;
    return { stream: c.stream, consumer: c.name, present: Boolean(found), position: found?.ackFloorSeq ?? 0, lastSeq, behind: found ? found.pending + found.unacknowledged : lastSeq };
  });
  const pulling = streams.some((s) => (snap.consumers.get(consumerKey(s.stream, s.consumer))?.waitingPulls ?? 0) > 0);
  const connected = snap.connections.state === "ok" ? (snap.connections.value.get(AUDIT_ACCOUNT) ?? 0) > 0 : pulling ? true : null;
  const c = snap.checkpoint;
  return { connected, behind: streams.reduce((a, s) => a + s.behind, 0), streams, checkpoint: c ? { index: c.i, hash: c.hash, at: c.at } : null };
}

function auditorReasons(a: StatusReport["auditor"], maxLag: number): string[] {
  const reasons: string[] = [];
  const absent = a.streams.filter((s) => !s.present && s.lastSeq > 0);
  if (absent.length) reasons.push(`the auditor has not started on ${absent.map((s) => s.stream).join(", ")}`);
  else if (a.behind > maxLag) reasons.push(`the auditor is ${a.behind} messages behind (${a.streams.filter((s) => s.behind).map((s) => `${s.stream} ${s.behind}`).join(", ")})`);
  if (a.connected === false) reasons.push("the auditor is not connected");
  return reasons;
}

const SHOWN_STREAMS: readonly string[] = [STREAMS.coord.name, STREAMS.case.name, STREAMS.deadletter.name, STREAMS.reads.name, STREAMS.sandbox.name];

const sourceOf = (r: Snapshot["connections"] | Snapshot["readiness"]): SourceState =>
  r.state === "ok" ? { state: "ok", url: r.url, reason: null } : r.state === "absent" ? { state: "absent", url: null, reason: null } : { state: "unavailable", url: r.url, reason: r.reason };

/** The report of a snapshot: every organisation of the directory (or `opts.org`), worst first. */
export function judge(snap: Snapshot, directory: KeyDirectory, opts: JudgeOptions): StatusReport {
  const orgs = directory.organisations.filter((o) => !opts.org || o.id === opts.org);
  const organisations = orgs.map((o) => orgStatus(snap, directory, o, opts.maxLag)).sort(worstFirst);
  const auditor = auditorOf(snap);
  const disconnected = organisations.filter((o) => o.connected === false);
  const unprovisioned = organisations.filter((o) => o.missingConsumers.length);
  const lagging = organisations.filter((o) => o.pending + o.unacknowledged > opts.maxLag);
  const owing = organisations.filter((o) => o.overdueObligations);
  const filing = organisations.filter((o) => o.deadLetters);
  const overdue = owing.reduce((a, o) => a + o.overdueObligations, 0);
  const deadLetters = filing.reduce((a, o) => a + o.deadLetters, 0);
  const window = shortDuration(opts.windowMs);
  const reasons = [
    ...(disconnected.length ? [`${plural(disconnected.length, "organisation")} disconnected (${some(disconnected.map((o) => o.org))})`] : []),
    ...(unprovisioned.length ? [`${plural(unprovisioned.length, "organisation")} without inbox consumers (${some(unprovisioned.map((o) => o.org))})`] : []),
    ...(lagging.length ? [`${plural(lagging.length, "organisation")} more than ${opts.maxLag} behind (${some(lagging.map((o) => `${o.org} ${o.pending + o.unacknowledged}`))})`] : []),
    ...(overdue ? [`${plural(overdue, "overdue obligation")} (${some(owing.sort((a, b) => b.overdueObligations - a.overdueObligations).map((o) => `${o.org} ${o.overdueObligations}`))})`] : []),
    ...(deadLetters ? [`${plural(deadLetters, "dead letter")} in the last ${window} (${some(filing.sort((a, b) => b.deadLetters - a.deadLetters).map((o) => `${o.org}: ${Object.keys(o.deadLetterReasons).join("/")}`))})`] : []),
    // With --org the check is about that organisation; the auditor is the whole bus's.
    ...(opts.org ? [] : auditorReasons(auditor, opts.maxLag)),
  ];
  return {
    at: new Date(snap.at).toISOString(), url: opts.url, health: reasons.length ? "degraded" : "healthy", reasons,
    window: { ms: opts.windowMs, since: new Date(snap.at - opts.windowMs).toISOString(), truncated: [...snap.activity.truncated] },
    thresholds: { maxLag: opts.maxLag },
    sources: { readyz: sourceOf(snap.readiness), connz: sourceOf(snap.connections) },
    summary: {
      organisations: organisations.length, connected: organisations.filter((o) => o.connected === true).length, disconnected: disconnected.length,
      unknown: organisations.filter((o) => o.connected === null && !o.reason).length, withoutService: organisations.filter((o) => o.connected === null && o.reason !== null).length, lagging: lagging.length, overdueObligations: overdue, deadLetters,
    },
    organisations,
    streams: snap.streams.filter((s) => SHOWN_STREAMS.includes(s.name)).map((s) => ({
      name: s.name, messages: s.messages, bytes: s.bytes, firstSeq: s.firstSeq, lastSeq: s.lastSeq, firstAt: s.firstAt?.toISOString() ?? null, lastAt: s.lastAt?.toISOString() ?? null, consumers: s.consumers,
    })),
    auditor,
  };
}
