/**
 * Questions the notices pages ask the notice book: a page of notices with their progress, the
 * recipients × receipts matrix of one notice, and the open obligations and escalations across
 * all organisations (oldest first). Everything is computed on request from the book — 10,000
 * notices are one pass of a few milliseconds — so it is never stale. Where a recipient stands is
 * the organisation package's notice-status fold; this file only feeds it and pages the results.
 */
import type { ObligationKind } from "@schakel/contracts";
import { acknowledgedReceipt, noticeProgress, recipientStatuses, type NoticeProgress, type NoticeReceipt, type RecipientStatus } from "@schakel/organisation";
import type { EscalationState, KnownActor, NoticeBook, NoticeState } from "./notice-book.ts";
import { shownActor } from "./persons.ts";
import { canSeeEscalation, canSeeNotice, type Viewpoint } from "./visibility.ts";

/**
 * One recipient's row, as the notice-status fold gives it (times in ms, the broker's storage
 * times), with the person who acknowledged (named where the viewer may see the name).
 */
export type MatrixRow = RecipientStatus & { acknowledgedActor?: KnownActor };

export interface NoticeSummary {
  notice: NoticeState;
  status: NoticeProgress;
  expected: number;
  delivered: number;
  acknowledged: number;
  overdue: number;
}

/** The receipts the book gathered for a notice, as the fold takes them. */
function receiptsOf(n: NoticeState): NoticeReceipt[] {
  const out: NoticeReceipt[] = [];
  const expected = new Set(n.expected);
  for (const [recipient, rr] of n.receipts) {
    // Receipts of organisations the notice was not for do not add rows.
    if (!expected.has(recipient)) continue;
    if (rr.deliveredAt !== undefined) out.push({ kind: "delivered", recipient, at: rr.deliveredAt });
    if (rr.acknowledgedAt !== undefined) out.push(acknowledgedReceipt(recipient, rr.acknowledgedAt, rr.acknowledgedBy, rr.remark, rr.actor));
    if (rr.escalatedAt !== undefined) out.push({ kind: "escalated", recipient, at: rr.escalatedAt });
  }
  return out;
}

/** Every recipient's row at `now`, as `viewer` may see it (no viewer: all). */
const rowsOf = (n: NoticeState, now: number, viewer?: Viewpoint): MatrixRow[] =>
  recipientStatuses({ noticeId: n.noticeId, sender: n.sender, recipients: n.expected, ackRequired: n.ackRequired, ...(n.ackBy ? { ackBy: n.ackBy } : {}) }, receiptsOf(n), now, viewer);

/** One row per recipient this viewpoint may see: all of them for the platform and the sender, its own for a recipient. */
export function noticeMatrix(n: NoticeState, viewer: Viewpoint, now = Date.now()): MatrixRow[] {
  return rowsOf(n, now, viewer).filter((r) => r.state !== "not-visible").map((r) => {
    const actor = n.receipts.get(r.org)?.actor;
    return r.acknowledgedActor && actor ? { ...r, acknowledgedActor: shownActor(actor, r.org, viewer) } : r;
  });
}

/** Progress of a notice over the recipients this viewpoint may see. */
export function summarise(n: NoticeState, viewer: Viewpoint, now = Date.now()): NoticeSummary {
  const { progress, ...counts } = noticeProgress(n.ackRequired, noticeMatrix(n, viewer, now));
  return { notice: n, status: progress, ...counts };
}

export interface NoticeQuery {
  status?: NoticeProgress;
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

/** Something an organisation still owes another: an acknowledgement or a response, of a notice, a request or a signal. */
export interface Obligation {
  /** Every kind the escalation watcher knows (contracts), but case tasks: the console does not follow them. */
  kind: Exclude<ObligationKind, "case-task">;
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
    for (const row of rowsOf(n, now)) {
      if (row.state === "acknowledged") continue;
      const o: Obligation = {
        kind: "acknowledgement", reference: n.noticeId, title: n.title, owedBy: row.org, owedTo: n.sender, createdAt: n.postedAt,
        overdue: row.state === "overdue", traceId: n.traceId, ...(n.ackBy ? { deadline: n.ackBy } : {}),
        ...(row.escalatedAt !== undefined ? { escalatedAt: row.escalatedAt } : {}),
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
  for (const so of book.signals.open.values()) {
    const o: Obligation = {
      kind: so.kind, reference: so.signalId, title: so.title, owedBy: so.owedBy, owedTo: so.owedTo, createdAt: so.createdAt, deadline: so.deadline,
      overdue: Date.parse(so.deadline) < now, traceId: so.traceId, ...(so.escalatedAt !== undefined ? { escalatedAt: so.escalatedAt } : {}),
    };
    if (mine(o)) out.push(o);
  }
  return out.sort((a, b) => a.createdAt - b.createdAt);
}

/** Escalations visible to the viewpoint, oldest first. */
export function visibleEscalations(book: NoticeBook, viewer: Viewpoint): EscalationState[] {
  return book.escalations.filter((e) => canSeeEscalation(viewer, e)).sort((a, b) => a.storedAt - b.storedAt);
}
