/**
 * A case's consultations on its page (who asked whom, when, by when, answered or not; the
 * question and answers only where they opened for the participant) and the cases handed over to
 * the municipality (the list's section and a hand-over's own page, its text opened for a person
 * whose role takes part in the municipality's LIVC-R).
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { ConsultationRow, ConsultationState, HandoverRow, OpenedConsultationRow } from "../http/case-consultations.ts";
import { orgChip, time, type Html } from "./format.ts";

const STATE_CLASS: Record<ConsultationState, string> = { answered: "complete", overdue: "overdue", awaiting: "open" };

const stateChip = (t: Messages, state: ConsultationState): Html =>
  html`<span class="status st-${STATE_CLASS[state]}">${t.cases.consultationStates[state]}</span>`;

const orgs = (t: Messages, directory: KeyDirectory, ids: readonly string[]): Html => html`${ids.map((id) => html`${orgChip(t, directory, id)} `)}`;

const isOpened = (row: ConsultationRow | OpenedConsultationRow): row is OpenedConsultationRow => "answerTexts" in row;

function contentCell(row: ConsultationRow | OpenedConsultationRow, directory: KeyDirectory, t: Messages): Html {
  const ct = t.cases;
  if (!isOpened(row)) return html`<span class="meta">${ct.consultationSealed}</span>`;
  const answers = row.answerTexts ?? [];
  return html`${row.question !== undefined ? html`<p data-question>${row.question}</p>` : html`<p class="meta">${ct.consultationSealed}</p>`}
${row.notes !== undefined ? html`<p class="meta" data-notes>${row.notes}</p>` : ""}
${answers.length ? html`<ul class="answers">${answers.map((a) => html`<li>${orgChip(t, directory, a.from)} <small>${time(a.at, t)}</small> ${a.text !== undefined ? html`<span data-answer>${a.text}</span>` : html`<span class="meta">${ct.consultationSealed}</span>`}</li>`)}</ul>` : ""}`;
}

/**
 * The consultations of a case. `content`: the participant's view (a direction and the opened
 * question and answers per row); otherwise metadata only (the platform).
 */
export function consultationsSection(rows: readonly (ConsultationRow | OpenedConsultationRow)[], opts: { content: boolean; directory: KeyDirectory; t: Messages }): Html {
  const { t, directory } = opts;
  const ct = t.cases;
  return html`<section aria-labelledby="case-consultations-h">
<h2 id="case-consultations-h">${ct.consultations}</h2>
${rows.length === 0 ? html`<p class="empty" data-no-consultations>${ct.noConsultations}</p>` : html`<table class="case-consultations" aria-labelledby="case-consultations-h">
<thead><tr>${opts.content ? html`<th scope="col">${ct.direction}</th>` : ""}<th scope="col">${ct.askedBy}</th><th scope="col">${ct.askedOf}</th><th scope="col">${ct.askedAt}</th><th scope="col">${ct.respondBy}</th><th scope="col">${ct.state}</th>${opts.content ? html`<th scope="col">${ct.questionAndAnswers}</th>` : ""}</tr></thead>
<tbody>${rows.map((r) => html`<tr data-consultation="${r.consultationId}" data-direction="${r.direction}" data-state="${r.state}">
${opts.content ? html`<td>${ct.directions[r.direction]}</td>` : ""}
<td>${orgChip(t, directory, r.from)}</td>
<td>${orgs(t, directory, r.to)}</td>
<td class="when">${time(r.at, t)}</td>
<td class="when">${r.respondBy ? time(r.respondBy, t) : "—"}</td>
<td>${stateChip(t, r.state)}${r.answers.length ? html` <small>${ct.answeredBy(r.answers.length)}</small>` : ""}</td>
${opts.content ? html`<td>${contentCell(r, directory, t)}</td>` : ""}
</tr>`)}</tbody>
</table>`}
</section>`;
}

/** The cases handed over to the municipality, on its case list (metadata). */
export function handoversSection(rows: readonly HandoverRow[], opts: { org: string; directory: KeyDirectory; t: Messages }): Html {
  const { t, directory } = opts;
  const ct = t.cases;
  if (rows.length === 0) return html``;
  return html`<section aria-labelledby="case-handovers-h">
<h2 id="case-handovers-h">${ct.handedOver(opts.org)}</h2>
<table class="case-handovers" aria-labelledby="case-handovers-h">
<thead><tr><th scope="col">${ct.reference}</th><th scope="col">${ct.handedOverBy}</th><th scope="col">${ct.received}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-handover="${r.caseRef}">
<th scope="row"><a href="/cases/${encodeURIComponent(r.caseRef)}">${r.caseRef}</a></th>
<td>${orgChip(t, directory, r.from)}</td>
<td class="when">${time(r.at, t)}</td>
</tr>`)}</tbody>
</table>
</section>`;
}

/** A case handed over to the municipality, its hand-over opened for the signed-in person (the read recorded first). */
export function handoverPage(row: HandoverRow, opts: { org: string; role: string; directory: KeyDirectory; t: Messages }): Html {
  const { t, directory } = opts;
  const ct = t.cases;
  return html`<p class="notice-ok" role="status" data-read-recorded>${ct.handoverRecorded(opts.role)}</p>
<dl class="facts">
<div><dt>${ct.handedOverBy}</dt><dd>${orgChip(t, directory, row.from)}</dd></div>
<div><dt>${ct.handedOverTo}</dt><dd>${orgChip(t, directory, opts.org)}</dd></div>
<div><dt>${ct.received}</dt><dd>${time(row.at, t)}</dd></div>
</dl>
<section aria-labelledby="case-handover-h">
<h2 id="case-handover-h">${ct.handover}</h2>
${row.handover !== undefined ? html`<p class="case-summary" data-handover-text>${row.handover}</p>` : html`<p class="meta">${ct.consultationSealed}</p>`}
</section>
<p><a href="/cases">${ct.back}</a></p>`;
}
