/**
 * The knowledge library page: the items the curator published, with filters (text, form of
 * extremism, prevention tier, policy domain, format, date range) and every field of each item;
 * for the curator, the submissions waiting with the forms to publish or reject them.
 */
import { html } from "hono/html";
import { EXTREMISM_FORMS, KNOWLEDGE_FORMATS, POLICY_DOMAINS, PREVENTION_TIERS } from "@schakel/contracts";
import type { ReceivedKnowledge } from "@schakel/organisation";
import type { Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";
import { term, terms } from "./glossary-term.ts";

export type LibraryQuery = Partial<Record<"text" | "form" | "tier" | "domain" | "format" | "from" | "to", string>>;

export interface LibraryPageView {
  items: ReceivedKnowledge[]; query: LibraryQuery; t: Messages;
  /** The curator's view: submissions and the CSRF token of their forms. */
  curator?: { submissions: ReceivedKnowledge[]; csrf: string };
  decided?: boolean; error?: string;
}

function select(name: keyof LibraryQuery, label: string, values: readonly string[], q: LibraryQuery, any: string): Html {
  return html`<label>${label} <select name="${name}"><option value="">${any}</option>${values.map((v) => html`<option value="${v}"${q[name] === v ? " selected" : ""}>${v}</option>`)}</select></label>`;
}

function itemView(k: ReceivedKnowledge, w: Messages["library"], t: Messages): Html {
  return html`<h3>${k.title}</h3><p>${k.summary}</p>
<dl><dt>${w.format}</dt><dd data-field="format">${k.format}</dd><dt>${w.date}</dt><dd data-field="date">${k.date ? time(k.date, t) : "—"}</dd>
<dt>${w.place}</dt><dd data-field="place">${k.location ?? "—"}</dd><dt>${w.tier}</dt><dd data-field="tier">${term("prevention-tier", k.preventionTier, t.tag)}</dd>
<dt>${w.forms}</dt><dd data-field="forms">${terms("extremism-form", k.extremismForms, t.tag)}</dd><dt>${w.domain}</dt><dd data-field="domain">${k.domain ?? "—"}</dd>
${k.link ? html`<dt>${w.link}</dt><dd><a href="${k.link}" rel="noopener noreferrer">${k.link}</a></dd>` : ""}<dt>${w.sharedBy}</dt><dd>${k.sharedBy ?? k.from}</dd></dl>`;
}

export function libraryPage(v: LibraryPageView): Html {
  const w = v.t.library;
  const q = v.query;
  return html`${v.decided ? html`<p class="notice-ok" role="status">${w.decided}</p>` : ""}
${v.error ? html`<p class="notice-error" role="alert">${v.error}</p>` : ""}
<p>${w.intro}</p>
<form method="get" action="/library" class="filters">
<label>${w.text} <input name="text" value="${q.text ?? ""}"></label>
${select("form", w.form, EXTREMISM_FORMS, q, w.any)} ${select("tier", w.tier, PREVENTION_TIERS, q, w.any)} ${select("domain", w.domain, POLICY_DOMAINS, q, w.any)} ${select("format", w.format, KNOWLEDGE_FORMATS, q, w.any)}
<label>${w.from} <input type="date" name="from" value="${q.from ?? ""}"></label> <label>${w.to} <input type="date" name="to" value="${q.to ?? ""}"></label>
<button type="submit">${w.search}</button></form>
${v.items.length === 0 ? html`<p class="empty">${w.none}</p>` : html`<ul class="library">${v.items.map((k) => html`<li data-knowledge="${k.knowledgeId}">${itemView(k, w, v.t)}</li>`)}</ul>`}
${v.curator ? html`<h2>${w.submissions}</h2>${v.curator.submissions.length === 0 ? html`<p class="empty">${w.noSubmissions}</p>` : html`<ul class="submissions">${v.curator.submissions.map((k) => html`<li data-submission="${k.knowledgeId}">${itemView(k, w, v.t)}
<form method="post" action="/library/${k.knowledgeId}/curate"><input type="hidden" name="_csrf" value="${v.curator!.csrf}">
<label>${w.reason} <input name="reason" maxlength="500"></label>
<button type="submit" name="decision" value="published">${w.publish}</button> <button type="submit" name="decision" value="rejected">${w.reject}</button></form></li>`)}</ul>`}` : ""}`;
}
