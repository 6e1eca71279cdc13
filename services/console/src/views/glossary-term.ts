/**
 * The one way the console shows a vocabulary term (a prevention tier, a form of extremism, a
 * signal kind): the term id as sent, in an `<abbr>` whose title is its label and definition in the
 * page's language, from the glossary version the message names (else the newest the console
 * holds). A term no held version defines is shown as sent, without a definition.
 */
import { html } from "hono/html";
import type { Vocabulary } from "@schakel/contracts";
import type { Locale } from "../i18n/messages.ts";
import { consoleGlossary } from "../model/glossary.ts";
import type { Html } from "./format.ts";

/** One term with its definition. `version`: the glossary version the message names, if known. */
export function term(vocabulary: Vocabulary, id: string | undefined, locale: Locale | string = "en", version?: number): Html | string {
  if (id === undefined) return "—";
  const found = consoleGlossary.explain(vocabulary, id, version);
  if (!found.definition) return html`<span class="term" data-term="${id}">${id}</span>`;
  const label = locale.startsWith("nl") ? found.definition.label.nl : found.definition.label.en;
  return html`<abbr class="term" data-term="${id}" data-glossary-version="${String(found.version)}" title="${label}: ${found.definition.definition}">${id}</abbr>`;
}

/** Several terms of one vocabulary, comma-separated ("—" when none). */
export function terms(vocabulary: Vocabulary, ids: readonly string[] | undefined, locale: Locale | string = "en", version?: number): Html | string {
  if (!ids?.length) return "—";
  return html`${ids.map((id, i) => html`${i ? ", " : ""}${term(vocabulary, id, locale, version)}`)}`;
}
