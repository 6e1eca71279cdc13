/**
 * Notices: the paginated list with each notice's progress, and one notice's recipients ×
 * delivered / acknowledged / overdue matrix. The matrix is also served alone (as a fragment)
 * so the page can swap it in live when a receipt arrives. An acknowledgement a person made says
 * who: their name where this viewer may see it, else their pseudonym, and their role.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { NoticeState } from "../model/notice-book.ts";
import { NOTICE_PROGRESS, type NoticeProgress } from "@schakel/organisation";
import type { KnownActor } from "../model/notice-book.ts";
import type { MatrixRow, NoticePage, NoticeQuery } from "../model/notice-query.ts";
import type { Messages } from "../i18n/messages.ts";
import { count, duration, orgChip, query, time, type Html } from "./format.ts";
import { term, terms } from "./glossary-term.ts";

export function statusBadge(status: NoticeProgress, t: Messages): Html {
  return html`<span class="status st-${status}">${t.notices.status[status]}</span>`;
}

/** The list page body. */
export function noticeList(page: NoticePage, q: NoticeQuery, senders: string[], t: Messages): Html {
  const params = { status: q.status, sender: q.sender, q: q.text };
  const nt = t.notices;
  return html`<form class="filters" method="get" action="/notices" aria-label="${nt.filterLabel}">
<div class="field"><label for="n-status">${nt.statusLabel}</label><select id="n-status" name="status"><option value="">${t.common.any}</option>
${NOTICE_PROGRESS.map((s) => html`<option value="${s}"${s === q.status ? html` selected` : ""}>${nt.status[s]}</option>`)}</select></div>
<div class="field"><label for="n-sender">${nt.postedBy}</label><select id="n-sender" name="sender"><option value="">${t.common.anyone}</option>
${senders.map((s) => html`<option value="${s}"${s === q.sender ? html` selected` : ""}>${s}</option>`)}</select></div>
<div class="field grow"><label for="n-q">${nt.titleContains}</label><input id="n-q" name="q" type="search" value="${q.text ?? ""}"></div>
<div class="actions"><button type="submit">${t.common.apply}</button> <a href="/notices">${t.common.clear}</a></div>
</form>
<p class="meta">${nt.count(count(page.total, t))}</p>
<table class="notices" aria-label="${nt.title}">
<thead><tr><th scope="col">${nt.posted}</th><th scope="col">${nt.titleCol}</th><th scope="col">${t.common.from}</th><th scope="col">${nt.acknowledged}</th><th scope="col">${t.common.deadline}</th><th scope="col">${nt.statusLabel}</th></tr></thead>
<tbody>${page.items.map(({ notice: n, status, expected, acknowledged, delivered }) => html`<tr>
<td class="when">${time(n.postedAt, t)}</td>
<td><a href="/notices/${n.noticeId}">${n.title}</a></td>
<td>${n.sender}</td>
<td>${n.ackRequired ? html`<span class="progress" role="img" aria-label="${nt.progress(acknowledged, expected)}"><span style="width:${expected ? Math.round((acknowledged / expected) * 100) : 0}%"></span></span> ${acknowledged}/${expected}` : nt.delivered(delivered, expected)}</td>
<td>${n.ackBy ? time(n.ackBy, t) : "—"}</td>
<td>${statusBadge(status, t)}</td>
</tr>`)}</tbody>
</table>
${page.items.length === 0 ? html`<p class="empty">${nt.empty}</p>` : ""}
<nav class="pager" aria-label="${nt.pages}">
${page.page > 1 ? html`<a href="/notices${query({ ...params, page: page.page - 1 })}" rel="prev">${nt.newer}</a>` : html`<span></span>`}
<span>${t.common.page(page.page, page.pages)}</span>
${page.page < page.pages ? html`<a href="/notices${query({ ...params, page: page.page + 1 })}" rel="next">${nt.older}</a>` : html`<span></span>`}
</nav>`;
}

/** "acknowledged by Marc Peeters (livc-member)", or the pseudonym where the name is not for this viewer. */
export function acknowledgedByText(actor: KnownActor, t: Messages): string {
  return t.actors.acknowledgedBy(actor.name ?? actor.pseudonym, actor.role);
}

const stateText = (n: NoticeState, r: MatrixRow, t: Messages): string =>
  r.state === "delivered" && n.ackRequired ? t.notices.awaiting : t.notices.states[r.state];

function cell(ok: boolean, at: number | undefined, since: number, label: string, t: Messages): Html {
  return ok
    ? html`<td class="yes"><span aria-hidden="true">✓</span> <span class="sr">${label}</span>${time(at, t)} <small>${t.notices.after(duration((at ?? since) - since, t))}</small></td>`
    : html`<td class="no"><span aria-hidden="true">·</span><span class="sr">${t.notices.not(label)}</span></td>`;
}

/** The recipients × receipts matrix (a complete table, swapped in whole on updates). */
export function noticeMatrix(n: NoticeState, rows: MatrixRow[], directory: KeyDirectory, t: Messages): Html {
  const nt = t.notices;
  return html`<table class="matrix" aria-label="${nt.matrixLabel}">
<thead><tr><th scope="col">${nt.recipient}</th><th scope="col">${nt.deliveredCol}</th><th scope="col">${nt.acknowledged}</th><th scope="col">${nt.overdueCol}</th><th scope="col">${t.common.state}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-recipient="${r.org}" data-state="${r.state}">
<th scope="row">${orgChip(t, directory, r.org)} <span class="orgname">${directory.organisation(r.org)?.name ?? ""}</span></th>
${cell(r.deliveredAt !== undefined, r.deliveredAt, n.postedAt, nt.states.delivered, t)}
${cell(r.acknowledgedAt !== undefined, r.acknowledgedAt, n.postedAt, nt.states.acknowledged, t)}
<td class="${r.state === "overdue" || r.lateMs !== undefined ? "bad" : "no"}">${r.state === "overdue"
  ? html`<span aria-hidden="true">!</span> ${t.common.since.toLowerCase()} ${time(n.ackBy, t)}`
  : r.lateMs !== undefined ? nt.lateBy(duration(r.lateMs, t)) : html`<span aria-hidden="true">·</span><span class="sr">${nt.notOverdue}</span>`}${r.escalatedAt !== undefined ? html`<br><small>${nt.escalatedAt} ${time(r.escalatedAt, t)}</small>` : ""}</td>
<td><span class="state s-${r.state}">${stateText(n, r, t)}</span>${r.acknowledgedActor ? html`<br><small class="actor" data-actor="${r.acknowledgedActor.pseudonym}">${acknowledgedByText(r.acknowledgedActor, t)}</small>` : ""}${r.remark ? html`<br><small>“${r.remark}”</small>` : ""}</td>
</tr>`)}</tbody>
</table>
${rows.length === 0 ? html`<p class="empty">${nt.noRecipients}</p>` : ""}`;
}

/** What the detail page may offer: acknowledging as the viewpoint, and the outcome of doing so. */
export interface AcknowledgeOffer {
  /** The organisation that may acknowledge (the viewpoint, a recipient whose credentials are here). */
  org: string;
  /** A failure to show at the form (nothing was sent). */
  error?: string;
  /** The session's CSRF token, sent back with the form. */
  csrf?: string;
}

function acknowledgeForm(n: NoticeState, offer: AcknowledgeOffer, t: Messages): Html {
  const nt = t.notices;
  const described = ["ack-remark-help", offer.error ? "ack-error" : ""].filter(Boolean).join(" ");
  return html`<form class="acknowledge" method="post" action="/notices/${n.noticeId}/acknowledge">
<input type="hidden" name="_csrf" value="${offer.csrf ?? ""}">
<div class="field grow"><label for="ack-remark">${nt.remark}</label>
<input id="ack-remark" name="remark" type="text" maxlength="500" aria-describedby="${described}"${offer.error ? html` aria-invalid="true"` : ""}>
<small id="ack-remark-help">${nt.remarkHelp}</small>
${offer.error ? html`<p class="error" id="ack-error" role="alert"><span class="sr">${t.post.error}</span>${nt.ackFailed}: ${offer.error}</p>` : ""}</div>
<div class="actions"><button type="submit">${nt.acknowledge(offer.org)}</button></div>
</form>`;
}

/** One notice: what it says, to whom, the live matrix, and acknowledging it when the viewpoint may. */
export function noticeDetail(n: NoticeState, rows: MatrixRow[], status: NoticeProgress, directory: KeyDirectory, t: Messages, opts: { acknowledge?: AcknowledgeOffer; acknowledged?: boolean } = {}): Html {
  const nt = t.notices;
  return html`${opts.acknowledged ? html`<p class="notice-ok" role="status" tabindex="-1" data-focus>${nt.acknowledgedBanner}</p>` : ""}
<dl class="facts">
<div><dt>${t.common.from}</dt><dd>${orgChip(t, directory, n.sender)} ${directory.organisation(n.sender)?.name ?? ""}</dd></div>
<div><dt>${nt.posted}</dt><dd>${time(n.postedAt, t)}</dd></div>
<div><dt>${nt.addressedTo}</dt><dd>${n.audiences.map((a) => orgChip(t, directory, a))}</dd></div>
<div><dt>${nt.category}</dt><dd>${n.category ?? "—"}</dd></div>
<div><dt>${nt.ackBy}</dt><dd>${n.ackRequired ? (n.ackBy ? time(n.ackBy, t) : nt.ackRequiredNoDeadline) : nt.ackNotRequired}</dd></div>
<div><dt>${nt.tier}</dt><dd>${term("prevention-tier", n.preventionTier, t.tag)}</dd></div>
<div><dt>${nt.forms}</dt><dd>${terms("extremism-form", n.extremismForms, t.tag)}</dd></div>
${n.caseRef ? html`<div><dt>${nt.caseRef}</dt><dd>${n.caseRef}</dd></div>` : ""}
<div><dt>${nt.statusLabel}</dt><dd>${statusBadge(status, t)}</dd></div>
</dl>
${opts.acknowledge ? acknowledgeForm(n, opts.acknowledge, t) : ""}
<section aria-labelledby="matrix-h"><h2 id="matrix-h">${nt.recipients}</h2>
<div data-live-fragment="/live/notices/${n.noticeId}">${noticeMatrix(n, rows, directory, t)}</div>
</section>
<section aria-labelledby="text-h"><h2 id="text-h">${nt.text}</h2><p class="body">${n.body}</p></section>
<p><a href="/traces/${n.traceId}">${nt.openTrace}</a></p>`;
}
