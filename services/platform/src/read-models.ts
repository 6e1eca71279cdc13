/**
 * The platform's read models for the CLI and the console: the status of a notice per recipient, the
 * open obligations, the escalations and the digest windows. They read the platform's buckets
 * (open them with `openPlatformStores(bus)` on a connection as the platform).
 */
import type { ObligationKind } from "@schakel/contracts";
import { acknowledgedReceipt, noticeStatusReport, recipientStatuses, type NoticeReceipt, type NoticeStatusReport } from "@schakel/organisation";
import { deliveryReceipts, type PlatformStores } from "./stores.ts";
import { deliveryReceiptsOfFilter, obligationsOfFilter, type DeliveryReceipt, type NoticeRecord, type Obligation, Receipt } from "./records.ts";

/**
 * Each recipient's receipts of a notice: its own record, and what a record of the previous release
 * kept inside the notice's (`receipts`). Where both hold a moment, the earlier release's stays: it
 * was written first, and the first receipt wins.
 */
export function receiptsByRecipient(record: NoticeRecord | undefined, perRecipient: readonly DeliveryReceipt[]): Map<string, Receipt> {
  const out = new Map<string, Receipt>(Object.entries(record?.receipts ?? {}));
  for (const d of perRecipient) {
    const { recipient } = d;
    const r = Receipt.parse(d); // the receipt's fields alone
    const old = out.get(recipient);
    if (!old) {
      out.set(recipient, r);
      continue;
    }
    const acknowledgement = old.acknowledgedAt ? old : r;
    out.set(recipient, {
      ...((old.deliveredAt ?? r.deliveredAt) ? { deliveredAt: old.deliveredAt ?? r.deliveredAt } : {}),
      ...(acknowledgement.acknowledgedAt ? { acknowledgedAt: acknowledgement.acknowledgedAt } : {}),
      ...(acknowledgement.acknowledgedBy ? { acknowledgedBy: acknowledgement.acknowledgedBy } : {}),
      ...(acknowledgement.remark ? { remark: acknowledgement.remark } : {}),
      ...(acknowledgement.actor ? { actor: acknowledgement.actor } : {}),
    });
  }
  return out;
}

/** The status of one notice as the platform sees it: every recipient, in the one notice-status vocabulary. */
export type NoticeStatus = NoticeStatusReport;

/**
 * The status of one notice per recipient organisation at `now`, folded from the platform's
 * delivery record, each recipient's receipts (listed by key: `<noticeId>.*`) and the
 * acknowledgement obligations; undefined when the platform never saw it.
 */
export async function noticeStatus(stores: PlatformStores, noticeId: string, now: Date = new Date()): Promise<NoticeStatus | undefined> {
  const [record, perRecipient, obligations] = await Promise.all([
    stores.deliveries.get(noticeId).then((r) => r?.value),
    deliveryReceipts(stores).list(deliveryReceiptsOfFilter(noticeId)).then((rs) => rs.map((r) => r.value)),
    stores.obligations.list(obligationsOfFilter("acknowledgement", noticeId)).then((os) => os.map((o) => o.value)),
  ]);
  if (!record && !perRecipient.length && !obligations.length) return undefined;
  const sender = record?.sender ?? obligations[0]?.owedTo ?? null;
  const ackBy = record?.ackBy ?? obligations.find((o) => o.deadline)?.deadline;
  const ackRequired = record?.ackRequired ?? obligations.length > 0;
  const receipts: NoticeReceipt[] = [];
  for (const [org, r] of receiptsByRecipient(record, perRecipient)) {
    if (r.deliveredAt) receipts.push({ kind: "delivered", recipient: org, at: Date.parse(r.deliveredAt) });
    if (r.acknowledgedAt) receipts.push(acknowledgedReceipt(org, Date.parse(r.acknowledgedAt), r.acknowledgedBy, r.remark, r.actor));
  }
  for (const o of obligations) {
    // A closed obligation is an acknowledgement, also when its receipt is not (yet) in the delivery record.
    if (o.closedAt) receipts.push(acknowledgedReceipt(o.owedBy, Date.parse(o.closedAt)));
    const e = o.escalation;
    if (e) receipts.push({ kind: "escalated", recipient: o.owedBy, at: Date.parse(e.publishedAt ?? e.missedAt), escalationId: e.escalationId });
  }
  const facts = { noticeId, sender: sender ?? "", recipients: [...(record?.expected ?? []), ...obligations.map((o) => o.owedBy)], ackRequired, ...(ackBy ? { ackBy } : {}) };
  return noticeStatusReport({
    noticeId, title: record?.title ?? obligations[0]?.title ?? null, category: record?.category ?? null, sender, audiences: record?.audiences ?? [],
    postedAt: record?.postedAt ?? null, ackRequired, ackBy: ackBy ?? null, traceId: record?.traceId ?? null,
  }, recipientStatuses(facts, receipts, now.getTime()));
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
  /** Each published digest, with how many of its items the municipality confirmed reading and when it last did. */
  published: { digestId: string; windowStart: string; windowEnd: string; items: number; publishedAt: string; messageId: string; readItems: number; lastReadAt: string | null }[];
}

/** A published digest every item of which the municipality confirmed reading. */
export const readInFull = (p: Pick<DigestWindowView["published"][number], "items" | "readItems">): boolean => p.readItems >= p.items;

/** Per municipality (alphabetical): its open window, and the digests published to it, oldest first. */
export async function digestWindows(stores: PlatformStores): Promise<DigestWindowView[]> {
  return (await stores.digests.list()).map(({ value: s }) => ({
    municipality: s.municipality,
    open: s.open ? { windowStart: s.open.windowStart, windowEnd: s.open.windowEnd, items: s.open.items.length, domains: [...new Set(s.open.items.map((i) => i.domain))] } : null,
    pending: s.pending.length,
    published: s.published.map(({ reads, ...p }) => ({
      ...p, readItems: new Set((reads ?? []).flatMap((r) => r.items)).size, lastReadAt: (reads ?? []).map((r) => r.readAt).sort().at(-1) ?? null,
    })),
  })).sort((a, b) => a.municipality.localeCompare(b.municipality));
}

/** The same windows with each municipality's published digests newest first, as people follow them up (CLI and console). */
export function newestDigestsFirst(windows: readonly DigestWindowView[]): DigestWindowView[] {
  return windows.map((w) => ({ ...w, published: [...w.published].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)) }));
}
