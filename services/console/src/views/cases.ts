/**
 * The case pages: the list of cases (metadata only), one case opened for a participant (summary,
 * plan, reports sealed to its organisation), one case as metadata (the platform), and an erased
 * case. Content is shown only as the organisation library opened it; what is sealed to others is
 * said to be so, never guessed at.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { OpenedCase, OpenedText } from "@schakel/organisation";
import type { Messages } from "../i18n/messages.ts";
import type { CaseRow, CaseTaskRow, TaskState } from "../http/case-rows.ts";
import { orgChip, time, type Html } from "./format.ts";

const stateChip = (t: Messages, state: TaskState): Html =>
  html`<span class="status st-${state === "reported" ? "complete" : state}">${t.cases.taskStates[state]}</span>`;

const reasonOf = (t: Messages, reason: string | undefined): string => (reason ? t.cases.reasons[reason] ?? reason : "");

/** The case's state in words: erased, handed over, closed (with its reason), or open. */
export function caseState(row: CaseRow, t: Messages): Html {
  const ct = t.cases;
  if (row.erased) return html`<span class="status st-overdue">${ct.erased}</span> ${time(row.erased.at, t)}`;
  const closed = row.closed ? html`<span class="status st-informational">${ct.closed}</span>${row.closed.reason ? ` (${reasonOf(t, row.closed.reason)})` : ""} ${time(row.closed.at, t)}` : "";
  const moved = row.transferred ? html` ${ct.transferred(row.transferred.to)}` : "";
  return row.closed || row.transferred ? html`${closed}${moved}` : html`<span class="status st-open">${ct.open}</span>`;
}

function taskCell(task: CaseTaskRow, directory: KeyDirectory, t: Messages): Html {
  return html`<li>${orgChip(t, directory, task.owner)} ${task.dueBy ? html`${t.cases.dueBy} ${time(task.dueBy, t)} ` : ""}${stateChip(t, task.state)}</li>`;
}

/** The list of cases: metadata only. */
export function caseList(rows: readonly CaseRow[], opts: { org: string; platform: boolean; directory: KeyDirectory; t: Messages }): Html {
  const { t, directory } = opts;
  const ct = t.cases;
  return html`<p class="meta">${opts.platform ? ct.platformIntro : ct.intro(opts.org)}</p>
<table class="cases" aria-label="${ct.tableLabel}">
<thead><tr><th scope="col">${ct.reference}</th><th scope="col">${ct.livc}</th><th scope="col">${ct.participants}</th><th scope="col">${ct.opened}</th><th scope="col">${ct.tasks}</th><th scope="col">${ct.state}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-case="${r.caseRef}">
<th scope="row"><a href="/cases/${encodeURIComponent(r.caseRef)}">${r.caseRef}</a></th>
<td>${orgChip(t, directory, r.livc)}${r.compositionVersion ? html` <small>${ct.version(r.compositionVersion)}</small>` : ""}</td>
<td>${r.participants.map((p) => html`${orgChip(t, directory, p)} `)}</td>
<td class="when">${time(r.openedAt, t)}</td>
<td>${r.tasks.length ? html`<ul class="tasks">${r.tasks.map((task) => taskCell(task, directory, t))}</ul>` : ct.noTasks}</td>
<td>${caseState(r, t)}</td>
</tr>`)}</tbody>
</table>
${rows.length === 0 ? html`<p class="empty">${opts.platform ? ct.noneForPlatform : ct.none(opts.org)}</p>` : ""}`;
}

/** An opened text, with when it was last corrected. */
const opened = (text: OpenedText, t: Messages, attr: string): Html =>
  html`<span data-${attr}>${text.text}</span>${text.correctedAt ? html` <small class="meta">${t.cases.corrected} ${time(text.correctedAt, t)}</small>` : ""}`;

function facts(row: CaseRow, directory: KeyDirectory, t: Messages): Html {
  const ct = t.cases;
  return html`<h2>${ct.facts}</h2>
<dl class="facts">
<div><dt>${ct.livc}</dt><dd>${orgChip(t, directory, row.livc)}${row.compositionVersion ? html` <small>${ct.version(row.compositionVersion)}</small>` : ""}</dd></div>
<div><dt>${ct.participants}</dt><dd>${row.participants.map((p) => html`${orgChip(t, directory, p)} `)}</dd></div>
<div><dt>${ct.opened}</dt><dd>${time(row.openedAt, t)}</dd></div>
<div><dt>${ct.state}</dt><dd>${caseState(row, t)}</dd></div>
</dl>`;
}

/** One case as opened for a participant: what is sealed to it, and what is not said to be sealed to others. */
export function openedCasePage(content: OpenedCase, row: CaseRow, opts: { role: string; directory: KeyDirectory; t: Messages; consultations?: Html }): Html {
  const { t, directory } = opts;
  const ct = t.cases;
  const stateOf = new Map(row.tasks.map((task) => [task.taskId, task.state]));
  return html`<p class="notice-ok" role="status" data-read-recorded>${ct.readRecorded(opts.role)}</p>
${facts(row, directory, t)}
<section aria-labelledby="case-summary-h">
<h2 id="case-summary-h">${ct.summary}</h2>
${content.summary ? html`<p class="case-summary">${opened(content.summary, t, "summary")}</p>` : html`<p class="meta">${ct.sealedToOthers}</p>`}
</section>
<section aria-labelledby="case-plan-h">
<h2 id="case-plan-h">${ct.plan}</h2>
${content.tasks.length === 0 ? html`<p class="empty">${ct.noTasks}</p>` : html`<table class="case-tasks" aria-labelledby="case-plan-h">
<thead><tr><th scope="col">${ct.task}</th><th scope="col">${ct.owner}</th><th scope="col">${ct.dueBy}</th><th scope="col">${ct.state}</th><th scope="col">${ct.report}</th></tr></thead>
<tbody>${content.tasks.map((task) => html`<tr data-task="${task.taskId}">
<td>${task.task ? opened(task.task, t, "task-text") : html`<span class="meta">${ct.sealedToOthers}</span>`}</td>
<td>${orgChip(t, directory, task.owner)}</td>
<td class="when">${time(task.dueBy, t)}</td>
<td>${stateChip(t, stateOf.get(task.taskId) ?? "open")}</td>
<td>${task.report ? html`${task.report.text ? opened(task.report.text, t, "report") : html`<span class="meta">${ct.reportSealed}</span>`} <small>${time(task.report.at, t)}</small>` : html`<span class="meta">${ct.notReported}</span>`}</td>
</tr>`)}</tbody>
</table>`}
</section>
${opts.consultations ?? ""}
<p><a href="/cases">${ct.back}</a></p>`;
}

/** One case as metadata (the platform coordinator: it takes part in no case). */
export function caseMetadataPage(row: CaseRow, opts: { directory: KeyDirectory; t: Messages; consultations?: Html }): Html {
  const { t } = opts;
  return html`<p class="meta" role="status">${t.cases.metadataOnly}</p>
${facts(row, opts.directory, t)}
${row.tasks.length ? html`<h2>${t.cases.tasks}</h2><ul class="tasks">${row.tasks.map((task) => taskCell(task, opts.directory, t))}</ul>` : ""}
${opts.consultations ?? ""}
<p><a href="/cases">${t.cases.back}</a></p>`;
}

/** An erased case: the fact and when, nothing else opens. */
export function erasedCasePage(row: CaseRow, opts: { directory: KeyDirectory; t: Messages }): Html {
  const { t } = opts;
  return html`<p data-erased>${t.cases.erasedBody(time(row.erased?.at, t), reasonOf(t, row.erased?.reason))}</p>
${facts(row, opts.directory, t)}
<p><a href="/cases">${t.cases.back}</a></p>`;
}
