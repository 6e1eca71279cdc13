/**
 * Questions the notices pages ask the notice book: a page of notices with their progress, the
 * recipients × receipts matrix of one notice, and the open obligations and escalations across
 * all organisations (oldest first). Everything is computed on request from the book — 10,000
 * notices are one pass of a few milliseconds — so it is never stale.
 */
import type { NoticeBook, NoticeState, RecipientReceipts } from "./notice-book.ts";
import { canSeeEscalation, canSeeNotice, visibleRecipients, type Viewpoint } from "./visibility.ts";
import type { EscalationState } from "./notice-book.ts";

/** Where one recipient stands with one notice. */
export type ReceiptState = "acknowledged" | "overdue" | "delivered" | "awaiting" | "informed";

export interface MatrixRow {
  org: string;
  state: ReceiptState;
  deliveredAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  remark?: string;
  escalatedAt?: number;
  overdue: boolean;
  /** Acknowledged, but after the deadline: by how many ms. */
  lateMs?: number;
}

export type NoticeStatus = "overdue" | "open" | "complete" | "informational";
export const NOTICE_STATUSES: readonly NoticeStatus[] = ["overdue", "open", "complete", "informational"];

export interface NoticeSummary {
  notice: NoticeState;
  status: NoticeStatus;
  expected: number;
  delivered: number;
  acknowledged: number;
  overdue: number;
}

const isOverdue = (n: NoticeState, rr: RecipientReceipts | undefined, now: number): boolean =>
  n.ackRequired && rr?.acknowledgedAt === undefined && n.ackBy !== undefined && Date.parse(n.ackBy) < now;

/** One row per recipient this viewpoint may see. */
export function noticeMatrix(n: NoticeState, viewer: Viewpoint, now = Date.now()): MatrixRow[] {
  return visibleRecipients(viewer, n).map((org) => {
    const rr = n.receipts.get(org);
    const overdue = isOverdue(n, rr, now);
    const state: ReceiptState = rr?.acknowledgedAt !== undefined ? "acknowledged" : overdue ? "overdue" : rr?.deliveredAt !== undefined ? (n.ackRequired ? "delivered" : "informed") : "awaiting";
    const deadline = n.ackBy !== undefined ? Date.parse(n.ackBy) : undefined;
    const late = rr?.acknowledgedAt !== undefined && deadline !== undefined && rr.acknowledgedAt > deadline ? rr.acknowledgedAt - deadline : undefined;
    return { org, state, overdue, ...rr, ...(late !== undefined ? { lateMs: late } : {}) };
  });
}

/** Progress of a notice over the recipients this viewpoint may see. */
export function summarise(n: NoticeState, viewer: Viewpoint, now = Date.now()): NoticeSummary {
  const rows = noticeMatrix(n, viewer, now);
  const delivered = rows.filter((r) => r.deliveredAt !== undefined).length;
  const acknowledged = rows.filter((r) => r.acknowledgedAt !== undefined).length;
  const overdue = rows.filter((r) => r.overdue).length;
  const status: NoticeStatus = !n.ackRequired ? "informational" : overdue > 0 ? "overdue" : acknowledged < rows.length ? "open" : "complete";
  return { notice: n, status, expected: rows.length, delivered, acknowledged, overdue };
}

export interface NoticeQuery {
  status?: NoticeStatus;
  sender?: string;
  /** Words in the title (case-insensitive). */
  text?: string;
  page?: number;
  pageSize?: number;
}

export interface NoticePage {
  items: NoticeSummary[];
  page: number;
  pageSize: number;
  total: number;
  pages: number;
}

/** A page of notices, newest first. */
export function noticePage(book: NoticeBook, viewer: Viewpoint, q: NoticeQuery = {}, now = Date.now()): NoticePage {
  const pageSize = Math.min(Math.max(q.pageSize ?? 25, 1), 200);
  const text = q.text?.trim().toLowerCase();
  // The common case — the platform, no filter — is a slice off the end: its cost is the page's,
  // whatever the number of notices.
  if (viewer.platform && !q.sender && !text && !q.status) {
    const total = book.list.length;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(Math.max(q.page ?? 1, 1), pages);
    const end = total - (page - 1) * pageSize;
    const items = book.list.slice(Math.max(0, end - pageSize), end).reverse().map((n) => summarise(n, viewer, now));
    return { items, page, pageSize, total, pages };
  }
  const matching: NoticeState[] = [];
  for (let i = book.list.length - 1; i >= 0; i--) {
    const n = book.list[i]!;
    if (!canSeeNotice(viewer, n)) continue;
    if (q.sender && n.sender !== q.sender) continue;
    if (text && !n.title.toLowerCase().includes(text)) continue;
    // Status needs the receipts; only computed when it filters.
    if (q.status && summarise(n, viewer, now).status !== q.status) continue;
    matching.push(n);
  }
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(Math.max(q.page ?? 1, 1), pages);
  const items = matching.slice((page - 1) * pageSize, page * pageSize).map((n) => summarise(n, viewer, now));
  return { items, page, pageSize, total: matching.length, pages };
}

/** Something an organisation still owes another: an acknowledgement or a response. */
export interface Obligation {
  kind: "acknowledgement" | "response";
  reference: string;
  title: string;
  owedBy: string;
  owedTo: string;
  createdAt: number;
  deadline?: string;
  overdue: boolean;
  escalatedAt?: number;
  traceId: string;
}

/** Open obligations visible to the viewpoint, oldest first. */
export function openObligations(book: NoticeBook, viewer: Viewpoint, now = Date.now()): Obligation[] {
  const out: Obligation[] = [];
  const mine = (o: Obligation) => viewer.platform || o.owedBy === viewer.org || o.owedTo === viewer.org;
  for (const n of book.list) {
    if (!n.ackRequired) continue;
    for (const org of n.expected) {
      const rr = n.receipts.get(org);
      if (rr?.acknowledgedAt !== undefined) continue;
      const o: Obligation = {
        kind: "acknowledgement", reference: n.noticeId, title: n.title, owedBy: org, owedTo: n.sender, createdAt: n.postedAt,
        overdue: isOverdue(n, rr, now), traceId: n.traceId, ...(n.ackBy ? { deadline: n.ackBy } : {}),
        ...(rr?.escalatedAt !== undefined ? { escalatedAt: rr.escalatedAt } : {}),
      };
      if (mine(o)) out.push(o);
    }
  }
  for (const req of book.requests.values()) {
    // A request to a group is answered once any member answers; to an organisation, by it.
    if (req.responses.size > 0) continue;
    const o: Obligation = {
      kind: "response", reference: req.requestId, title: req.topic, owedBy: req.audience, owedTo: req.sender, createdAt: req.postedAt,
      overdue: req.respondBy !== undefined && Date.parse(req.respondBy) < now, traceId: req.traceId, ...(req.respondBy ? { deadline: req.respondBy } : {}),
    };
    if (viewer.platform || o.owedTo === viewer.org || req.expected.includes(viewer.org)) out.push(o);
  }
  return out.sort((a, b) => a.createdAt - b.createdAt);
}

/** Escalations visible to the viewpoint, oldest first. */
export function visibleEscalations(book: NoticeBook, viewer: Viewpoint): EscalationState[] {
  return book.escalations.filter((e) => canSeeEscalation(viewer, e)).sort((a, b) => a.storedAt - b.storedAt);
}
