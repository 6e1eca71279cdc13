/**
 * The glossary page: one glossary version (the newest the console holds, or `?version=N`) with
 * every term's labels and definition, what changed when, and links to the other versions held.
 */
import { html } from "hono/html";
import { VOCABULARIES, type GlossaryRecord, type Vocabulary } from "@schakel/contracts";
import type { Locale, Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";

export interface GlossaryPageView { glossary: GlossaryRecord; versions: number[]; locale: Locale; t: Messages }

export function glossaryPage(v: GlossaryPageView): Html {
  const w = v.t.glossary;
  const g = v.glossary;
  const label = (l: { nl: string; en: string }) => (v.locale === "nl" ? l.nl : l.en);
  return html`<p>${w.intro}</p>
<p><strong>${w.version(g.version)}</strong> · ${w.adopted} ${time(g.adoptedAt, v.t)} ${w.by} ${g.adoptedBy}</p>
<nav aria-label="${w.versions}"><ul class="versions">${v.versions.map((n) => html`<li>${n === g.version ? html`<span aria-current="page">${w.version(n)}</span>` : html`<a href="/glossary?version=${String(n)}">${w.version(n)}</a>`}</li>`)}</ul></nav>
${VOCABULARIES.map((vocabulary) => html`<section data-vocabulary="${vocabulary}"><h2>${w.vocabularies[vocabulary]}</h2><dl class="glossary">
${g.terms[vocabulary].map((t) => html`<div data-term="${t.term}"><dt><dfn id="term-${vocabulary}-${t.term}">${t.term}</dfn> — ${label(t.label)}</dt>
<dd>${t.definition} <small>(${w.since} ${String(t.since)}${t.revised ? html`; ${w.revised} ${String(t.revised)}` : ""}${t.deprecated ? html`; <strong>${w.deprecated} ${String(t.deprecated)}</strong>` : ""})</small></dd></div>`)}
</dl></section>`)}`;
}
