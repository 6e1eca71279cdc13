/**
 * The digest page: a municipality's digests with every item in full (title, summary, domain,
 * effective date, prevention tier, link), whether it was confirmed as read and to which local
 * partner it was routed, with the forms to confirm and route; and a policy domain's updates with
 * who read them, who has not, and who took them up.
 */
import { html } from "hono/html";
import type { DigestItem } from "@schakel/contracts";
import type { ReceivedDigest, UpdateUptake } from "@schakel/organisation";
import type { Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";
import { term } from "./glossary-term.ts";

export interface DigestPageView {
  org: string; digests: ReceivedDigest[]; updates: UpdateUptake[]; partners: string[];
  /** The forms' CSRF token; absent: no forms (the person may not act for the organisation). */
  csrf?: string; done?: "confirmed" | "routed"; error?: string; t: Messages;
}

function itemView(v: DigestPageView, d: ReceivedDigest, i: DigestItem): Html {
  const w = v.t.digests;
  const read = d.reads?.find((r) => r.updateId === i.updateId);
  const routes = (d.routes ?? []).filter((r) => r.updateId === i.updateId);
  const forms = v.csrf !== undefined && !d.routedBy;
  return html`<li class="digest-item" data-update="${i.updateId}" data-read="${read ? "yes" : "no"}">
<h3>${i.title}</h3>
<p>${i.summary}</p>
<dl><dt>${w.domain}</dt><dd data-field="domain">${i.domain} (${i.publishedBy})</dd>
<dt>${w.tier}</dt><dd data-field="tier">${term("prevention-tier", i.preventionTier, v.t.tag)}</dd>
<dt>${w.effective}</dt><dd data-field="effective">${i.effectiveFrom ? time(i.effectiveFrom, v.t) : "—"}</dd>
${i.link ? html`<dt>${w.link}</dt><dd><a href="${i.link}" rel="noopener noreferrer">${i.link}</a></dd>` : ""}
<dt>${w.read}</dt><dd data-field="read">${read ? time(read.at, v.t) : w.notRead}</dd>
${routes.length ? html`<dt>${w.routedTo}</dt><dd data-field="routed">${routes.map((r) => r.partner).join(", ")}</dd>` : ""}</dl>
${forms && !read ? html`<form method="post" action="/digests/${d.digestId}/confirm"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="updateId" value="${i.updateId}"><button type="submit">${w.confirm}</button></form>` : ""}
${forms && v.partners.length ? html`<form method="post" action="/digests/${d.digestId}/route"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="updateId" value="${i.updateId}">
<label>${w.partner} <select name="partner">${v.partners.map((p) => html`<option value="${p}">${p}</option>`)}</select></label>
<label>${w.remark} <input name="remark" maxlength="500"></label> <button type="submit">${w.route}</button></form>` : ""}
</li>`;
}

function uptakeView(v: DigestPageView): Html {
  const w = v.t.digests;
  return html`<h2>${w.updates}</h2>${v.updates.length === 0 ? html`<p class="empty">${w.noUpdates}</p>` : html`<ul class="uptake">${v.updates.map((u) => html`<li data-update="${u.update.updateId}">
<h3>${u.update.title ?? u.update.updateId}</h3>
<dl><dt>${w.tier}</dt><dd>${term("prevention-tier", u.update.preventionTier, v.t.tag)}</dd><dt>${w.effective}</dt><dd>${u.update.effectiveFrom ? time(u.update.effectiveFrom, v.t) : "—"}</dd>
<dt>${w.readBy}</dt><dd data-field="read-by">${u.update.reads.length ? u.update.reads.map((r) => html`${r.municipality} (${time(r.at, v.t)}) `) : w.nobody}</dd>
<dt>${w.notReadBy}</dt><dd data-field="not-read">${u.notRead.length ? u.notRead.join(", ") : "—"}</dd>
<dt>${w.takenUp}</dt><dd data-field="taken-up">${u.update.routes.length ? u.update.routes.map((r) => `${r.municipality} → ${r.partner}`).join(", ") : w.nobody}</dd></dl></li>`)}</ul>`}`;
}

export function digestsPage(v: DigestPageView): Html {
  const w = v.t.digests;
  return html`${v.done ? html`<p class="notice-ok" role="status">${v.done === "confirmed" ? w.confirmed : w.routed}</p>` : ""}
${v.error ? html`<p class="notice-error" role="alert">${v.error}</p>` : ""}
<p>${w.intro(v.org)}</p>
${v.digests.length === 0 ? html`<p class="empty">${w.none}</p>` : v.digests.map((d) => html`<section class="digest" data-digest="${d.digestId}">
<h2>${d.routedBy ? w.routedBy(d.routedBy.municipality) : html`${w.window} ${time(d.windowStart, v.t)} – ${time(d.windowEnd, v.t)}`}</h2>
${v.csrf !== undefined && !d.routedBy && (d.reads?.length ?? 0) < d.items.length ? html`<form method="post" action="/digests/${d.digestId}/confirm"><input type="hidden" name="_csrf" value="${v.csrf}"><button type="submit">${w.confirmAll}</button></form>` : ""}
<ul class="digest-items">${d.items.map((i) => itemView(v, d, i))}</ul></section>`)}
${v.updates.length ? uptakeView(v) : ""}`;
}
