/**
 * The trace pages: a search by trace, notice or message id with the most recent traces, and one trace drawn as a
 * sequence diagram followed by the same steps as a table (for keyboard and screen reader users,
 * and for copying ids). A step a person took names them under its sender (the name where this
 * viewer may see it, else the pseudonym) with their role.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { FlowRecord } from "../model/record.ts";
import type { TraceView } from "../model/trace.ts";
import { duration, orgChip, time, typeBadge, type Html } from "./format.ts";
import { MAX_DRAWN_STEPS, sequenceDiagram } from "./sequence-diagram.ts";

/** The trace index: look a trace up by its id or a notice or message id, or pick a recent one. */
export function traceIndex(recent: { traceId: string; first: FlowRecord; messages: number }[], directory: KeyDirectory, t: Messages, notFound?: string): Html {
  return html`<form class="filters" method="get" action="/traces" role="search">
<div class="field grow"><label for="t-id">${t.traces.searchLabel}</label><input id="t-id" name="id" inputmode="latin" autocomplete="off" spellcheck="false" placeholder="${t.traces.placeholder}" value="${notFound ?? ""}" aria-describedby="t-help${notFound ? " t-err" : ""}"${notFound ? html` aria-invalid="true"` : ""}>
<small id="t-help">${t.traces.help}</small>
${notFound ? html`<small id="t-err" class="error">${t.traces.notFound}</small>` : ""}</div>
<div class="actions"><button type="submit">${t.traces.open}</button></div>
</form>
<h2>${t.traces.recent}</h2>
<table class="traces"><thead><tr><th scope="col">${t.traces.started}</th><th scope="col">${t.traces.firstMessage}</th><th scope="col">${t.common.from}</th><th scope="col">${t.common.messages}</th></tr></thead>
<tbody>${recent.map((r) => html`<tr><td class="when">${time(r.first.storedAt, t)}</td><td>${typeBadge(r.first.type)} <a href="/traces/${r.traceId}">${r.first.summary}</a></td><td>${orgChip(t, directory, r.first.sender)}</td><td>${r.messages}</td></tr>`)}</tbody></table>
${recent.length === 0 ? html`<p class="empty">${t.traces.empty}</p>` : ""}`;
}

/** One trace. */
export function tracePage(view: TraceView, directory: KeyDirectory, t: Messages): Html {
  const tt = t.traces;
  return html`<dl class="facts">
<div class="wide"><dt>${tt.traceId}</dt><dd><code>${view.traceId}</code></dd></div>
<div><dt>${tt.started}</dt><dd>${time(view.startedAt, t)}</dd></div>
<div><dt>${tt.duration}</dt><dd>${duration(view.durationMs, t)}</dd></div>
<div><dt>${t.common.messages}</dt><dd>${view.steps.length}${view.hidden ? html` <small>${tt.hidden(view.hidden)}</small>` : ""}</dd></div>
<div><dt>${tt.missingAcks}</dt><dd>${view.missing.length ? html`<span class="status st-overdue">${view.missing.length}</span>` : t.common.none}</dd></div>
</dl>
<figure class="diagram" tabindex="0" aria-label="${tt.diagramLabel}">
${sequenceDiagram(view, directory, t)}
<figcaption>${view.steps.length > MAX_DRAWN_STEPS ? html`<strong>${tt.diagramCut(MAX_DRAWN_STEPS, view.steps.length)}</strong> ` : ""}${tt.diagramCaption}</figcaption>
</figure>
<h2>${tt.steps}</h2>
<table class="steps">
<thead><tr><th scope="col">#</th><th scope="col">${t.common.stored}</th><th scope="col">${tt.afterStart}</th><th scope="col">${t.common.type}</th><th scope="col">${t.common.from}</th><th scope="col">${t.common.to}</th><th scope="col">${t.common.what}</th><th scope="col">${tt.messageId}</th></tr></thead>
<tbody>${view.steps.map((s, i) => html`<tr id="row-${s.record.id}">
<td>${i + 1}</td><td class="when">${time(s.record.storedAt, t)}</td><td>+${duration(s.atMs, t)}</td><td>${typeBadge(s.record.type)}</td>
<td>${orgChip(t, directory, s.record.sender, s.record.senderLevel)}${s.actor ? html`<br><small class="actor" data-actor="${s.actor.pseudonym}">${t.actors.actedBy(s.actor.name ?? s.actor.pseudonym, s.actor.role)}</small>` : ""}</td><td>${orgChip(t, directory, s.record.audience, s.record.audienceLevel)}</td>
<td>${s.record.summary}</td><td><code class="id">${s.record.id}</code></td></tr>`)}
${view.missing.map((m) => html`<tr class="overdue"><td>✗</td><td colspan="4">${tt.noAckFrom} ${orgChip(t, directory, m.org)}</td><td colspan="3"><a href="/notices/${m.noticeId}">${m.title}</a> — ${m.deadline ? html`${m.overdue ? tt.overdueSince : tt.due} ${time(m.deadline, t)}` : tt.noDeadline}${m.escalated ? tt.escalatedNote : ""}</td></tr>`)}
</tbody></table>`;
}
