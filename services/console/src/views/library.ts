/**
 * The knowledge library page: the items the curator published, with filters (text, form of
 * extremism, prevention tier, policy domain, format, date range) and every field of each item;
 * for the curator, the submissions waiting with the forms to publish or reject them.
 */
import { html } from "hono/html";
import { EXTREMISM_FORMS, KNOWLEDGE_FORMATS, POLICY_DOMAINS, PREVENTION_TIERS } from "@schakel/contracts";
import type { ReceivedKnowledge } from "@schakel/organisation";
import type { Locale, Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";
import { term, terms } from "./glossary-term.ts";

interface Words {
  title: string; intro: string; none: string; text: string; form: string; tier: string; domain: string; format: string; from: string; to: string; any: string; search: string;
  date: string; place: string; link: string; forms: string; sharedBy: string; submissions: string; noSubmissions: string; publish: string; reject: string; reason: string; decided: string;
}

const WORDS: Readonly<Record<Locale, Words>> = {
  en: {
    title: "Knowledge library", intro: "Trainings, intervisions, study days and expertise documents, curated by the knowledge partner.", none: "Nothing in the library matches.",
    text: "Words", form: "Form of extremism", tier: "Prevention tier", domain: "Policy domain", format: "Format", from: "From", to: "To", any: "any", search: "Search",
    date: "Date", place: "Place", link: "Link", forms: "Forms", sharedBy: "Shared by", submissions: "Submissions waiting for curation", noSubmissions: "No submissions waiting.",
    publish: "Publish to the library", reject: "Reject", reason: "Reason (required to reject)", decided: "Decision sent.",
  },
  nl: {
    title: "Kennisbank", intro: "Opleidingen, intervisies, studiedagen en expertisedocumenten, gecureerd door de kennispartner.", none: "Niets in de kennisbank komt overeen.",
    text: "Woorden", form: "Vorm van extremisme", tier: "Preventieniveau", domain: "Beleidsdomein", format: "Vorm", from: "Van", to: "Tot", any: "alle", search: "Zoeken",
    date: "Datum", place: "Plaats", link: "Link", forms: "Vormen", sharedBy: "Gedeeld door", submissions: "Inzendingen die op curatie wachten", noSubmissions: "Geen inzendingen.",
    publish: "Publiceren in de kennisbank", reject: "Weigeren", reason: "Reden (verplicht bij weigeren)", decided: "Beslissing verstuurd.",
  },
  fr: {
    title: "Bibliothèque de connaissances", intro: "Formations, intervisions, journées d'étude et documents d'expertise, sélectionnés par le partenaire de connaissance.", none: "Rien ne correspond dans la bibliothèque.",
    text: "Mots", form: "Forme d'extrémisme", tier: "Niveau de prévention", domain: "Domaine politique", format: "Format", from: "Du", to: "Au", any: "tous", search: "Rechercher",
    date: "Date", place: "Lieu", link: "Lien", forms: "Formes", sharedBy: "Partagé par", submissions: "Soumissions en attente", noSubmissions: "Aucune soumission en attente.",
    publish: "Publier dans la bibliothèque", reject: "Refuser", reason: "Raison (obligatoire pour refuser)", decided: "Décision envoyée.",
  },
};
export const libraryWords = (locale: Locale): Words => WORDS[locale] ?? WORDS.en;

export type LibraryQuery = Partial<Record<"text" | "form" | "tier" | "domain" | "format" | "from" | "to", string>>;

export interface LibraryPageView {
  items: ReceivedKnowledge[]; query: LibraryQuery; locale: Locale; t: Messages;
  /** The curator's view: submissions and the CSRF token of their forms. */
  curator?: { submissions: ReceivedKnowledge[]; csrf: string };
  decided?: boolean; error?: string;
}

function select(name: keyof LibraryQuery, label: string, values: readonly string[], q: LibraryQuery, any: string): Html {
  return html`<label>${label} <select name="${name}"><option value="">${any}</option>${values.map((v) => html`<option value="${v}"${q[name] === v ? " selected" : ""}>${v}</option>`)}</select></label>`;
}

function itemView(k: ReceivedKnowledge, w: Words, t: Messages): Html {
  return html`<h3>${k.title}</h3><p>${k.summary}</p>
<dl><dt>${w.format}</dt><dd data-field="format">${k.format}</dd><dt>${w.date}</dt><dd data-field="date">${k.date ? time(k.date, t) : "—"}</dd>
<dt>${w.place}</dt><dd data-field="place">${k.location ?? "—"}</dd><dt>${w.tier}</dt><dd data-field="tier">${term("prevention-tier", k.preventionTier, t.tag)}</dd>
<dt>${w.forms}</dt><dd data-field="forms">${terms("extremism-form", k.extremismForms, t.tag)}</dd><dt>${w.domain}</dt><dd data-field="domain">${k.domain ?? "—"}</dd>
${k.link ? html`<dt>${w.link}</dt><dd><a href="${k.link}" rel="noopener noreferrer">${k.link}</a></dd>` : ""}<dt>${w.sharedBy}</dt><dd>${k.sharedBy ?? k.from}</dd></dl>`;
}

export function libraryPage(v: LibraryPageView): Html {
  const w = libraryWords(v.locale);
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
