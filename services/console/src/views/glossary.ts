/**
 * The glossary page: one glossary version (the newest the console holds, or `?version=N`) with
 * every term's labels and definition, what changed when, and links to the other versions held.
 */
import { html } from "hono/html";
import { VOCABULARIES, type GlossaryRecord, type Vocabulary } from "@schakel/contracts";
import type { Locale, Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";

interface Words {
  title: string; intro: string; version: (n: number) => string; adopted: string; by: string; versions: string; since: string; revised: string; deprecated: string;
  vocabularies: Record<Vocabulary, string>;
}

const WORDS: Readonly<Record<Locale, Words>> = {
  en: {
    title: "Glossary", intro: "The shared definitions every message uses. A policy domain or VVSG proposes a change; the platform adopts it as a new version.",
    version: (n) => `Version ${n}`, adopted: "Adopted", by: "by", versions: "Versions", since: "since version", revised: "revised in version", deprecated: "deprecated since version",
    vocabularies: { "prevention-tier": "Prevention tiers", "extremism-form": "Forms of extremism", "signal-kind": "Signal kinds" },
  },
  nl: {
    title: "Begrippenlijst", intro: "De gedeelde definities die elk bericht gebruikt. Een beleidsdomein of VVSG stelt een wijziging voor; het platform neemt ze aan als nieuwe versie.",
    version: (n) => `Versie ${n}`, adopted: "Aangenomen", by: "door", versions: "Versies", since: "sinds versie", revised: "herzien in versie", deprecated: "vervallen sinds versie",
    vocabularies: { "prevention-tier": "Preventieniveaus", "extremism-form": "Vormen van extremisme", "signal-kind": "Soorten signalen" },
  },
  fr: {
    title: "Glossaire", intro: "Les définitions partagées qu'utilise chaque message. Un domaine politique ou la VVSG propose une modification ; la plateforme l'adopte comme nouvelle version.",
    version: (n) => `Version ${n}`, adopted: "Adoptée", by: "par", versions: "Versions", since: "depuis la version", revised: "révisé dans la version", deprecated: "obsolète depuis la version",
    vocabularies: { "prevention-tier": "Niveaux de prévention", "extremism-form": "Formes d'extrémisme", "signal-kind": "Types de signaux" },
  },
};

export const glossaryWords = (locale: Locale): Words => WORDS[locale] ?? WORDS.en;

export interface GlossaryPageView { glossary: GlossaryRecord; versions: number[]; locale: Locale; t: Messages }

export function glossaryPage(v: GlossaryPageView): Html {
  const w = glossaryWords(v.locale);
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
