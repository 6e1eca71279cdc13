/**
 * Open obligations (acknowledgements and responses still owed) and the escalations raised for
 * missed ones, across all organisations the viewpoint may see, oldest first.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { EscalationState } from "../model/notice-book.ts";
import type { Obligation } from "../model/notice-query.ts";
import { count, duration, orgChip, query, time, type Html } from "./format.ts";

/** Rows of open obligations (also used, shortened, on the overview). */
export function obligationRows(items: Obligation[], directory: KeyDirectory, t: Messages, now = Date.now()): Html {
  return html`${items.map((o) => html`<tr${o.overdue ? html` class="overdue"` : ""}>
<td class="when">${time(o.createdAt, t)} <small>${t.obligations.ago(duration(now - o.createdAt, t))}</small></td>
<td>${t.kinds[o.kind] ?? o.kind}</td>
<td>${o.kind === "acknowledgement" ? html`<a href="/notices/${o.reference}">${o.title}</a>` : html`<a href="/traces/${o.traceId}">${o.title}</a>`}</td>
<td>${orgChip(t, directory, o.owedBy)}</td>
<td>${orgChip(t, directory, o.owedTo)}</td>
<td>${o.deadline ? time(o.deadline, t) : t.common.none}</td>
<td>${o.overdue ? html`<span class="status st-overdue">${t.common.overdue}</span>` : html`<span class="status st-open">${t.common.open}</span>`}${o.escalatedAt !== undefined ? html` <span class="status st-escalated">${t.common.escalated}</span>` : ""}</td>
</tr>`)}`;
}

export const obligationHead = (t: Messages): Html =>
  html`<thead><tr><th scope="col">${t.common.since}</th><th scope="col">${t.obligations.owed}</th><th scope="col">${t.common.about}</th><th scope="col">${t.common.by}</th><th scope="col">${t.common.to}</th><th scope="col">${t.common.deadline}</th><th scope="col">${t.common.state}</th></tr></thead>`;

/** The obligations page body. */
export function obligationsPage(items: Obligation[], total: number, overdue: number, page: { page: number; pages: number }, escalations: EscalationState[], directory: KeyDirectory, t: Messages): Html {
  const ob = t.obligations;
  return html`<section aria-labelledby="open-h">
<h2 id="open-h">${ob.open} <small>${ob.openSummary(count(total, t), count(overdue, t))}</small></h2>
<table class="obligations" aria-labelledby="open-h">${obligationHead(t)}<tbody>${obligationRows(items, directory, t)}</tbody></table>
${total === 0 ? html`<p class="empty">${ob.none}</p>` : ""}
<nav class="pager" aria-label="${ob.pages}">
${page.page > 1 ? html`<a href="/obligations${query({ page: page.page - 1 })}" rel="prev">${ob.older}</a>` : html`<span></span>`}
<span>${t.common.page(page.page, page.pages)}</span>
${page.page < page.pages ? html`<a href="/obligations${query({ page: page.page + 1 })}" rel="next">${ob.newer}</a>` : html`<span></span>`}
</nav>
</section>
<section aria-labelledby="esc-h">
<h2 id="esc-h">${ob.escalations} <small>${ob.escSummary(count(escalations.length, t))}</small></h2>
<table class="escalations" aria-labelledby="esc-h">
<thead><tr><th scope="col">${ob.raised}</th><th scope="col">${t.common.by}</th><th scope="col">${ob.owedBy}</th><th scope="col">${ob.owedTo}</th><th scope="col">${ob.missed}</th><th scope="col">${ob.summary}</th></tr></thead>
<tbody>${escalations.slice(0, 500).map((e) => html`<tr>
<td class="when">${time(e.storedAt, t)}</td>
<td>${orgChip(t, directory, e.raisedBy)}</td>
<td>${orgChip(t, directory, e.owedBy)}</td>
<td>${orgChip(t, directory, e.owedTo)}</td>
<td>${time(e.deadline, t)}</td>
<td><a href="/traces/${e.traceId}#m-${e.messageId}">${e.summary}</a></td>
</tr>`)}</tbody>
</table>
${escalations.length === 0 ? html`<p class="empty">${ob.noEscalations}</p>` : ""}
${escalations.length > 500 ? html`<p class="meta">${ob.capped}</p>` : ""}
</section>`;
}
