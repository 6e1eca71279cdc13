/**
 * Open obligations (acknowledgements and responses still owed) and the escalations raised for
 * missed ones, across all organisations the viewpoint may see, oldest first.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { EscalationState } from "../model/notice-book.ts";
import type { Obligation } from "../model/notice-query.ts";
import { count, duration, orgChip, query, time, type Html } from "./format.ts";

/** Rows of open obligations (also used, shortened, on the overview). */
export function obligationRows(items: Obligation[], directory: KeyDirectory, now = Date.now()): Html {
  return html`${items.map((o) => html`<tr${o.overdue ? html` class="overdue"` : ""}>
<td class="when">${time(o.createdAt)} <small>${duration(now - o.createdAt)} ago</small></td>
<td>${o.kind}</td>
<td>${o.kind === "acknowledgement" ? html`<a href="/notices/${o.reference}">${o.title}</a>` : html`<a href="/traces/${o.traceId}">${o.title}</a>`}</td>
<td>${orgChip(directory, o.owedBy)}</td>
<td>${orgChip(directory, o.owedTo)}</td>
<td>${o.deadline ? time(o.deadline) : "none"}</td>
<td>${o.overdue ? html`<span class="status st-overdue">overdue</span>` : html`<span class="status st-open">open</span>`}${o.escalatedAt !== undefined ? html` <span class="status st-escalated">escalated</span>` : ""}</td>
</tr>`)}`;
}

export const obligationHead = html`<thead><tr><th scope="col">Since</th><th scope="col">Owed</th><th scope="col">About</th><th scope="col">By</th><th scope="col">To</th><th scope="col">Deadline</th><th scope="col">State</th></tr></thead>`;

/** The obligations page body. */
export function obligationsPage(items: Obligation[], total: number, overdue: number, page: { page: number; pages: number }, escalations: EscalationState[], directory: KeyDirectory): Html {
  return html`<section aria-labelledby="open-h">
<h2 id="open-h">Open obligations <small>${count(total)} open, ${count(overdue)} overdue — oldest first</small></h2>
<table class="obligations">${obligationHead}<tbody>${obligationRows(items, directory)}</tbody></table>
${total === 0 ? html`<p class="empty">Nothing is owed: every notice that asked for an acknowledgement got one, and every request was answered.</p>` : ""}
<nav class="pager" aria-label="Obligation pages">
${page.page > 1 ? html`<a href="/obligations${query({ page: page.page - 1 })}" rel="prev">← Older</a>` : html`<span></span>`}
<span>Page ${page.page} of ${page.pages}</span>
${page.page < page.pages ? html`<a href="/obligations${query({ page: page.page + 1 })}" rel="next">Newer →</a>` : html`<span></span>`}
</nav>
</section>
<section aria-labelledby="esc-h">
<h2 id="esc-h">Escalations <small>${count(escalations.length)} — oldest first</small></h2>
<table class="escalations">
<thead><tr><th scope="col">Raised</th><th scope="col">By</th><th scope="col">Owed by</th><th scope="col">Owed to</th><th scope="col">Deadline missed</th><th scope="col">Summary</th></tr></thead>
<tbody>${escalations.slice(0, 500).map((e) => html`<tr>
<td class="when">${time(e.storedAt)}</td>
<td>${orgChip(directory, e.raisedBy)}</td>
<td>${orgChip(directory, e.owedBy)}</td>
<td>${orgChip(directory, e.owedTo)}</td>
<td>${time(e.deadline)}</td>
<td><a href="/traces/${e.traceId}#m-${e.messageId}">${e.summary}</a></td>
</tr>`)}</tbody>
</table>
${escalations.length === 0 ? html`<p class="empty">No escalations: no deadline has been missed.</p>` : ""}
${escalations.length > 500 ? html`<p class="meta">Showing the oldest 500; the JSON API at /api/escalations has them all.</p>` : ""}
</section>`;
}
