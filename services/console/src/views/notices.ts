/**
 * Notices: the paginated list with each notice's progress, and one notice's recipients ×
 * delivered / acknowledged / overdue matrix. The matrix is also served alone (as a fragment)
 * so the page can swap it in live when a receipt arrives.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { NoticeState } from "../model/notice-book.ts";
import { NOTICE_PROGRESS, type NoticeProgress, type RecipientState } from "@schakel/organisation";
import type { MatrixRow, NoticePage, NoticeQuery } from "../model/notice-query.ts";
import { count, duration, orgChip, query, time, type Html } from "./format.ts";

const STATUS_TEXT: Record<NoticeProgress, string> = { overdue: "overdue", open: "awaiting acknowledgements", complete: "all acknowledged", informational: "for information" };

export function statusBadge(status: NoticeProgress): Html {
  return html`<span class="status st-${status}">${STATUS_TEXT[status]}</span>`;
}

/** The list page body. */
export function noticeList(page: NoticePage, q: NoticeQuery, senders: string[]): Html {
  const params = { status: q.status, sender: q.sender, q: q.text };
  return html`<form class="filters" method="get" action="/notices" aria-label="Filter notices">
<div class="field"><label for="n-status">Status</label><select id="n-status" name="status"><option value="">any</option>
${NOTICE_PROGRESS.map((s) => html`<option value="${s}"${s === q.status ? html` selected` : ""}>${STATUS_TEXT[s]}</option>`)}</select></div>
<div class="field"><label for="n-sender">Posted by</label><select id="n-sender" name="sender"><option value="">anyone</option>
${senders.map((s) => html`<option value="${s}"${s === q.sender ? html` selected` : ""}>${s}</option>`)}</select></div>
<div class="field grow"><label for="n-q">Title contains</label><input id="n-q" name="q" type="search" value="${q.text ?? ""}"></div>
<div class="actions"><button type="submit">Apply</button> <a href="/notices">Clear</a></div>
</form>
<p class="meta">${count(page.total)} notices, newest first.</p>
<table class="notices">
<thead><tr><th scope="col">Posted</th><th scope="col">Title</th><th scope="col">From</th><th scope="col">Acknowledged</th><th scope="col">Deadline</th><th scope="col">Status</th></tr></thead>
<tbody>${page.items.map(({ notice: n, status, expected, acknowledged, delivered }) => html`<tr>
<td class="when">${time(n.postedAt)}</td>
<td><a href="/notices/${n.noticeId}">${n.title}</a></td>
<td>${n.sender}</td>
<td>${n.ackRequired ? html`<span class="progress" role="img" aria-label="${acknowledged} of ${expected} acknowledged"><span style="width:${expected ? Math.round((acknowledged / expected) * 100) : 0}%"></span></span> ${acknowledged}/${expected}` : html`${delivered}/${expected} delivered`}</td>
<td>${n.ackBy ? time(n.ackBy) : "—"}</td>
<td>${statusBadge(status)}</td>
</tr>`)}</tbody>
</table>
${page.items.length === 0 ? html`<p class="empty">No notices match. Post one from “Post a notice”.</p>` : ""}
<nav class="pager" aria-label="Notice pages">
${page.page > 1 ? html`<a href="/notices${query({ ...params, page: page.page - 1 })}" rel="prev">← Newer</a>` : html`<span></span>`}
<span>Page ${page.page} of ${page.pages}</span>
${page.page < page.pages ? html`<a href="/notices${query({ ...params, page: page.page + 1 })}" rel="next">Older →</a>` : html`<span></span>`}
</nav>`;
}

const STATE_TEXT: Record<RecipientState, string> = {
  pending: "not yet delivered", delivered: "delivered", acknowledged: "acknowledged", overdue: "overdue", "not-visible": "not visible to you",
};
const stateText = (n: NoticeState, r: MatrixRow): string =>
  r.state === "delivered" && n.ackRequired ? "delivered, awaiting acknowledgement" : STATE_TEXT[r.state];

function cell(ok: boolean, at: number | undefined, since: number, label: string): Html {
  return ok
    ? html`<td class="yes"><span aria-hidden="true">✓</span> <span class="sr">${label}</span>${time(at)} <small>after ${duration((at ?? since) - since)}</small></td>`
    : html`<td class="no"><span aria-hidden="true">·</span><span class="sr">not ${label}</span></td>`;
}

/** The recipients × receipts matrix (a complete table, swapped in whole on updates). */
export function noticeMatrix(n: NoticeState, rows: MatrixRow[], directory: KeyDirectory): Html {
  return html`<table class="matrix" aria-label="Recipients of the notice">
<thead><tr><th scope="col">Recipient</th><th scope="col">Delivered</th><th scope="col">Acknowledged</th><th scope="col">Overdue</th><th scope="col">State</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-recipient="${r.org}" data-state="${r.state}">
<th scope="row">${orgChip(directory, r.org)} <span class="orgname">${directory.organisation(r.org)?.name ?? ""}</span></th>
${cell(r.deliveredAt !== undefined, r.deliveredAt, n.postedAt, "delivered")}
${cell(r.acknowledgedAt !== undefined, r.acknowledgedAt, n.postedAt, "acknowledged")}
<td class="${r.state === "overdue" || r.lateMs !== undefined ? "bad" : "no"}">${r.state === "overdue"
  ? html`<span aria-hidden="true">!</span> since ${time(n.ackBy)}`
  : r.lateMs !== undefined ? html`acknowledged ${duration(r.lateMs)} late` : html`<span aria-hidden="true">·</span><span class="sr">not overdue</span>`}${r.escalatedAt !== undefined ? html`<br><small>escalated ${time(r.escalatedAt)}</small>` : ""}</td>
<td><span class="state s-${r.state}">${stateText(n, r)}</span>${r.remark ? html`<br><small>“${r.remark}”</small>` : ""}</td>
</tr>`)}</tbody>
</table>
${rows.length === 0 ? html`<p class="empty">No recipients of this notice are visible from this viewpoint.</p>` : ""}`;
}

/** One notice: what it says, to whom, and the live matrix. */
export function noticeDetail(n: NoticeState, rows: MatrixRow[], status: NoticeProgress, directory: KeyDirectory): Html {
  return html`<dl class="facts">
<div><dt>From</dt><dd>${orgChip(directory, n.sender)} ${directory.organisation(n.sender)?.name ?? ""}</dd></div>
<div><dt>Posted</dt><dd>${time(n.postedAt)}</dd></div>
<div><dt>Addressed to</dt><dd>${n.audiences.map((a) => orgChip(directory, a))}</dd></div>
<div><dt>Category</dt><dd>${n.category ?? "—"}</dd></div>
<div><dt>Acknowledge by</dt><dd>${n.ackRequired ? (n.ackBy ? time(n.ackBy) : "required, no deadline") : "not required"}</dd></div>
<div><dt>Prevention tier</dt><dd>${n.preventionTier ?? "—"}</dd></div>
<div><dt>Forms of extremism</dt><dd>${n.extremismForms?.join(", ") ?? "—"}</dd></div>
${n.caseRef ? html`<div><dt>Case reference</dt><dd>${n.caseRef}</dd></div>` : ""}
<div><dt>Status</dt><dd>${statusBadge(status)}</dd></div>
</dl>
<section aria-labelledby="matrix-h"><h2 id="matrix-h">Recipients</h2>
<div data-live-fragment="/live/notices/${n.noticeId}" aria-live="polite">${noticeMatrix(n, rows, directory)}</div>
</section>
<section aria-labelledby="text-h"><h2 id="text-h">Text</h2><p class="body">${n.body}</p></section>
<p><a href="/traces/${n.traceId}">Open the trace of this notice →</a></p>`;
}
