/**
 * The platform's read models for the CLI and the console: the status matrix of a notice, the
 * open obligations, the escalations and the digest windows. They read the platform's buckets
 * (open them with `openPlatformStores(bus)` on a connection as the platform).
 */
import type { ObligationKind } from "@schakel/contracts";
import type { PlatformStores } from "./stores.ts";
import { obligationsOfFilter, type Obligation } from "./records.ts";

/** Where one recipient stands with a notice. */
export type RecipientState = "acknowledged" | "acknowledged-late" | "overdue" | "waiting" | "no-ack-required";

export interface RecipientStatus {
  org: string;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  remark: string | null;
  /** Past the deadline without an acknowledgement (now, or when it came). */
  overdue: boolean;
  escalated: boolean;
  escalatedAt: string | null;
  escalationId: string | null;
  state: RecipientState;
}

export interface NoticeStatus {
  noticeId: string;
  title: string | null;
  category: string | null;
  sender: string | null;
  audiences: string[];
  postedAt: string | null;
  ackRequired: boolean;
  ackBy: string | null;
  traceId: string | null;
  recipients: RecipientStatus[];
}

/** The status matrix of one notice, per recipient organisation; undefined when the platform never saw it. */
export async function noticeStatus(stores: PlatformStores, noticeId: string, now: Date = new Date()): Promise<NoticeStatus | undefined> {
  const record = (await stores.deliveries.get(noticeId))?.value;
  const obligations = await stores.obligations.list(obligationsOfFilter("acknowledgement", noticeId));
  if (!record && !obligations.length) return undefined;
  const byOrg = new Map(obligations.map((o) => [o.value.owedBy, o.value]));
  const orgs = [...new Set([...(record?.expected ?? []), ...Object.keys(record?.receipts ?? {}), ...byOrg.keys()])].sort();
  const ackBy = record?.ackBy ?? obligations.find((o) => o.value.deadline)?.value.deadline ?? null;
  const ackRequired = record?.ackRequired ?? obligations.length > 0;
  const recipients = orgs.map((org): RecipientStatus => {
    const r = record?.receipts[org] ?? {};
    const o = byOrg.get(org);
    const acknowledgedAt = r.acknowledgedAt ?? o?.closedAt ?? null;
    const deadline = ackBy ? Date.parse(ackBy) : undefined;
    const late = deadline !== undefined && acknowledgedAt !== null && Date.parse(acknowledgedAt) > deadline;
    const overdue = deadline !== undefined && (acknowledgedAt === null ? now.getTime() > deadline : late);
    const escalation = o?.escalation;
    const state: RecipientState = !ackRequired ? (acknowledgedAt ? "acknowledged" : "no-ack-required")
      : acknowledgedAt ? (late ? "acknowledged-late" : "acknowledged")
      : overdue ? "overdue" : "waiting";
    return {
      org, deliveredAt: r.deliveredAt ?? null, acknowledgedAt, acknowledgedBy: r.acknowledgedBy ?? null, remark: r.remark ?? null, overdue,
      escalated: Boolean(escalation), escalatedAt: escalation?.publishedAt ?? (escalation ? escalation.missedAt : null),
      escalationId: escalation?.escalationId ?? null, state,
    };
  });
  return {
    noticeId, title: record?.title ?? obligations[0]?.value.title ?? null, category: record?.category ?? null, sender: record?.sender ?? obligations[0]?.value.owedTo ?? null,
    audiences: record?.audiences ?? [], postedAt: record?.postedAt ?? null, ackRequired, ackBy, traceId: record?.traceId ?? null, recipients,
  };
}

/** An open obligation as the coordinators see it. */
export interface OpenObligation {
  key: string;
  kind: ObligationKind;
  reference: string;
  title: string | null;
  owedBy: string;
  owedTo: string;
  deadline: string;
  createdAt: string;
  overdue: boolean;
  escalated: boolean;
  escalationId: string | null;
}

const toOpen = (o: Obligation, now: number): OpenObligation => ({
  key: o.key, kind: o.kind, reference: o.reference, title: o.title ?? null, owedBy: o.owedBy, owedTo: o.owedTo, deadline: o.deadline!,
  createdAt: o.createdAt, overdue: Date.parse(o.deadline!) < now, escalated: Boolean(o.escalation), escalationId: o.escalation?.escalationId ?? null,
});

/** Unacknowledged notices and unanswered requests, oldest first; filter by who owes or is owed. */
export async function openObligations(stores: PlatformStores, filter: { owedBy?: string; owedTo?: string; kind?: ObligationKind; now?: Date } = {}): Promise<OpenObligation[]> {
  const now = (filter.now ?? new Date()).getTime();
  const all = (await stores.obligations.list()).map((r) => r.value);
  return all
    .filter((o) => !o.closedAt && o.deadline && (!filter.owedBy || o.owedBy === filter.owedBy) && (!filter.owedTo || o.owedTo === filter.owedTo) && (!filter.kind || o.kind === filter.kind))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.deadline!.localeCompare(b.deadline!))
    .map((o) => toOpen(o, now));
}

/** One escalation raised by the platform. */
export interface EscalationView {
  escalationId: string;
  key: string;
  kind: ObligationKind;
  reference: string;
  title: string | null;
  owedBy: string;
  owedTo: string;
  deadline: string | null;
  missedAt: string;
  state: "pending" | "published";
  publishedAt: string | null;
  messageIds: string[];
  /** When the obligation was met after all (a late acknowledgement or answer). */
  closedAt: string | null;
}

/** Every escalation, in the order they were decided; `since` keeps the later ones. */
export async function escalations(stores: PlatformStores, filter: { since?: Date; owedBy?: string } = {}): Promise<EscalationView[]> {
  const all = (await stores.obligations.list()).map((r) => r.value);
  return all
    .filter((o) => o.escalation && (!filter.since || Date.parse(o.escalation.missedAt) >= filter.since.getTime()) && (!filter.owedBy || o.owedBy === filter.owedBy))
    .map((o): EscalationView => ({
      escalationId: o.escalation!.escalationId, key: o.key, kind: o.kind, reference: o.reference, title: o.title ?? null, owedBy: o.owedBy, owedTo: o.owedTo,
      deadline: o.deadline ?? null, missedAt: o.escalation!.missedAt, state: o.escalation!.state, publishedAt: o.escalation!.publishedAt ?? null,
      messageIds: o.escalation!.messageIds, closedAt: o.closedAt ?? null,
    }))
    .sort((a, b) => a.missedAt.localeCompare(b.missedAt));
}

/** Per municipality: the window being collected and the digests published. */
export interface DigestWindowView {
  municipality: string;
  open: { windowStart: string; windowEnd: string; items: number; domains: string[] } | null;
  pending: number;
  published: { digestId: string; windowStart: string; windowEnd: string; items: number; publishedAt: string; messageId: string }[];
}

export async function digestWindows(stores: PlatformStores): Promise<DigestWindowView[]> {
  return (await stores.digests.list()).map(({ value: s }) => ({
    municipality: s.municipality,
    open: s.open ? { windowStart: s.open.windowStart, windowEnd: s.open.windowEnd, items: s.open.items.length, domains: [...new Set(s.open.items.map((i) => i.domain))] } : null,
    pending: s.pending.length,
    published: s.published,
  })).sort((a, b) => a.municipality.localeCompare(b.municipality));
}
