/**
 * A trace as a causal flow: every message with its level lanes, its offset from the start, the
 * message it answers, and the obligations it creates or settles. An acknowledgement a notice
 * asked for is an obligation per recipient organisation; a coordination request owes a response.
 * Latencies are measured on the broker's clock (storage times), so clocks of the sending
 * services do not skew them.
 */
import { recipientStatuses, type NoticeReceipt, type RecipientState } from "@schakel/organisation";
import type { TraceEntry } from "./entry.ts";

/** What a flow needs to know about organisations: their level, and whom a group reaches. */
export interface Orgs {
  levelOf(org: string): string | undefined;
  /** Organisation ids an audience reaches (itself, or the members of a group). */
  members(audience: string): string[];
}

export interface FlowMessage {
  /** Row number, 1-based, in flow order. */
  n: number;
  entry: TraceEntry;
  offsetMs: number;
  senderLevel: string;
  /** The audience's level: an organisation's level, the group's own name, or "all". */
  audienceLevel: string;
  /** Row of the message this one answers, and the time since it was stored. */
  causedBy?: number;
  afterCauseMs?: number;
  depth: number;
}

/**
 * Where an obligation stands. An acknowledgement is in the notice-status vocabulary (the
 * organisation package's fold decides it); a response is `answered`, or `pending`/`overdue`.
 */
export type ObligationState = RecipientState | "answered";

export interface Obligation {
  kind: "acknowledgement" | "response";
  /** noticeId or requestId. */
  reference: string;
  owedBy: string;
  owedTo: string;
  deadline?: string;
  /** Row of the message that created it. */
  source: number;
  delivered?: { n: number; latencyMs: number };
  fulfilled?: { n: number; latencyMs: number };
  /** Row of the escalation raised for it. */
  escalated?: number;
  state: ObligationState;
}

export interface Flow {
  traceId: string;
  startedAt: string;
  durationMs: number;
  messages: FlowMessage[];
  obligations: Obligation[];
  /** Rows of escalation.raised messages. */
  escalations: number[];
  levels: string[];
}

const ms = (iso: string): number => Date.parse(iso);
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

/** Builds the flow of a trace's entries (already in flow order); `now` decides what is overdue. */
export function buildFlow(traceId: string, entries: TraceEntry[], orgs: Orgs, now = new Date()): Flow {
  const t0 = entries.length ? ms(entries[0]!.storedAt) : now.getTime();
  const rowOf = new Map<string, FlowMessage>();
  const messages: FlowMessage[] = entries.map((entry, i) => {
    const cause = entry.causation ? rowOf.get(entry.causation) : undefined;
    const row: FlowMessage = {
      n: i + 1,
      entry,
      offsetMs: ms(entry.storedAt) - t0,
      senderLevel: orgs.levelOf(entry.sender) ?? "unknown",
      audienceLevel: orgs.levelOf(entry.audience) ?? entry.audience,
      ...(cause ? { causedBy: cause.n, afterCauseMs: ms(entry.storedAt) - ms(cause.entry.storedAt) } : {}),
      depth: cause ? cause.depth + 1 : 0,
    };
    rowOf.set(entry.id, row);
    return row;
  });
  const escalations = messages.filter((m) => m.entry.type === "escalation.raised");
  // A notice posted to a group and to one of its members owes one acknowledgement, not two.
  const owed = new Map<string, Obligation>();
  for (const o of messages.flatMap((m) => obligationsOf(m, messages, escalations, orgs, now))) {
    if (!owed.has(`${o.reference}|${o.owedBy}`)) owed.set(`${o.reference}|${o.owedBy}`, o);
  }
  const obligations = [...owed.values()];
  const last = messages.at(-1);
  return {
    traceId,
    startedAt: new Date(t0).toISOString(),
    durationMs: last ? last.offsetMs : 0,
    messages,
    obligations,
    escalations: escalations.map((e) => e.n),
    levels: unique(messages.flatMap((m) => [m.senderLevel, m.audienceLevel])),
  };
}

/** The receipts of a notice among the flow's messages, each from the organisation it is about (its sender). */
function noticeReceipts(ref: string, all: FlowMessage[], escalations: FlowMessage[]): NoticeReceipt[] {
  const out: NoticeReceipt[] = [];
  for (const m of all) {
    if (m.entry.ref !== ref) continue;
    if (m.entry.type === "notice.delivered") out.push({ kind: "delivered", recipient: m.entry.sender, at: ms(m.entry.storedAt) });
    if (m.entry.type === "notice.acknowledged") out.push({ kind: "acknowledged", recipient: m.entry.sender, at: ms(m.entry.storedAt) });
  }
  for (const e of escalations) {
    const o = e.entry.facts?.obligation;
    if (o?.kind === "acknowledgement" && o.reference === ref) out.push({ kind: "escalated", recipient: o.owedBy, at: ms(e.entry.storedAt) });
  }
  return out;
}

function obligationsOf(source: FlowMessage, all: FlowMessage[], escalations: FlowMessage[], orgs: Orgs, now: Date): Obligation[] {
  const { entry } = source;
  const isNotice = entry.type === "notice.posted" && entry.facts?.ackRequired === true;
  const isRequest = entry.type === "coordination.requested";
  if (!(isNotice || isRequest) || !entry.ref) return [];
  const ref = entry.ref;
  const deadline = isNotice ? entry.facts?.ackBy : entry.facts?.respondBy;
  const answer = isNotice ? "notice.acknowledged" : "coordination.responded";
  const since = (m: FlowMessage) => ({ n: m.n, latencyMs: ms(m.entry.storedAt) - ms(entry.storedAt) });
  const owedBy = orgs.members(entry.audience).filter((org) => org !== entry.sender);
  // A notice's acknowledgements: the one notice-status fold, over this copy's recipients.
  const noticeStates = isNotice
    ? new Map(recipientStatuses({ noticeId: ref, sender: entry.sender, recipients: owedBy, ackRequired: true, ...(deadline ? { ackBy: deadline } : {}) },
      noticeReceipts(ref, all, escalations), now.getTime()).map((r) => [r.org, r.state]))
    : undefined;
  return owedBy.map((org) => {
    const about = (m: FlowMessage) => m.entry.ref === ref && m.entry.sender === org;
    const fulfilled = all.find((m) => m.entry.type === answer && about(m));
    const delivered = isNotice ? all.find((m) => m.entry.type === "notice.delivered" && about(m)) : undefined;
    const escalation = escalations.find((e) => e.entry.facts?.obligation?.reference === ref && e.entry.facts?.obligation?.owedBy === org);
    const overdue = deadline !== undefined && ms(deadline) < now.getTime();
    const state: ObligationState = noticeStates?.get(org) ?? (fulfilled ? "answered" : overdue ? "overdue" : "pending");
    return {
      kind: isNotice ? "acknowledgement" : "response",
      reference: ref,
      owedBy: org,
      owedTo: entry.sender,
      ...(deadline ? { deadline } : {}),
      source: source.n,
      ...(delivered ? { delivered: since(delivered) } : {}),
      ...(fulfilled ? { fulfilled: since(fulfilled) } : {}),
      ...(escalation ? { escalated: escalation.n } : {}),
      state,
    } satisfies Obligation;
  });
}

/** Organisations as a key directory (or registry) knows them. */
export function orgsFrom(directory: { organisation(id: string): { level: string } | undefined; members(audience: string): { id: string }[] }): Orgs {
  return { levelOf: (org) => directory.organisation(org)?.level, members: (audience) => directory.members(audience).map((o) => o.id) };
}
