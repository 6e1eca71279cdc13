/**
 * The trace pages: a trace id search with the most recent traces, and one trace drawn as a
 * sequence diagram followed by the same steps as a table (for keyboard and screen reader users,
 * and for copying ids).
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { FlowRecord } from "../model/record.ts";
import type { TraceView } from "../model/trace.ts";
import { duration, orgChip, time, typeBadge, type Html } from "./format.ts";
import { MAX_DRAWN_STEPS, sequenceDiagram } from "./sequence-diagram.ts";

/** The trace index: look a trace up by id, or pick a recent one. */
export function traceIndex(recent: { traceId: string; first: FlowRecord; messages: number }[], directory: KeyDirectory, notFound?: string): Html {
  return html`<form class="filters" method="get" action="/traces" role="search">
<div class="field grow"><label for="t-id">Trace id</label><input id="t-id" name="id" inputmode="latin" pattern="[0-9a-f]{32}" placeholder="32 hexadecimal characters" value="${notFound ?? ""}" aria-describedby="t-help${notFound ? " t-err" : ""}"${notFound ? html` aria-invalid="true"` : ""}>
<small id="t-help">Every message of one flow — a notice, its receipts, the escalation — shares a W3C trace id.</small>
${notFound ? html`<small id="t-err" class="error">No trace with this id is visible from this viewpoint: check the id, or switch the viewpoint.</small>` : ""}</div>
<div class="actions"><button type="submit">Open trace</button></div>
</form>
<h2>Recent traces</h2>
<table class="traces"><thead><tr><th scope="col">Started</th><th scope="col">First message</th><th scope="col">From</th><th scope="col">Messages</th></tr></thead>
<tbody>${recent.map((t) => html`<tr><td class="when">${time(t.first.storedAt)}</td><td>${typeBadge(t.first.type)} <a href="/traces/${t.traceId}">${t.first.summary}</a></td><td>${orgChip(directory, t.first.sender)}</td><td>${t.messages}</td></tr>`)}</tbody></table>
${recent.length === 0 ? html`<p class="empty">No traces yet: post a notice and its flow appears here.</p>` : ""}`;
}

/** One trace. */
export function tracePage(view: TraceView, directory: KeyDirectory): Html {
  return html`<dl class="facts">
<div class="wide"><dt>Trace id</dt><dd><code>${view.traceId}</code></dd></div>
<div><dt>Started</dt><dd>${time(view.startedAt)}</dd></div>
<div><dt>Duration</dt><dd>${duration(view.durationMs)}</dd></div>
<div><dt>Messages</dt><dd>${view.steps.length}${view.hidden ? html` <small>(${view.hidden} more not visible from this viewpoint)</small>` : ""}</dd></div>
<div><dt>Missing acknowledgements</dt><dd>${view.missing.length ? html`<span class="status st-overdue">${view.missing.length}</span>` : "none"}</dd></div>
</dl>
<figure class="diagram" tabindex="0" aria-label="Sequence diagram (scrolls sideways on narrow screens)">
${sequenceDiagram(view, directory)}
<figcaption>${view.steps.length > MAX_DRAWN_STEPS ? html`<strong>The diagram shows the first ${MAX_DRAWN_STEPS} of ${view.steps.length} messages; the table lists them all.</strong> ` : ""}Lanes are the levels; each arrow is one message, labelled with its time since the start of the trace and since the message it answers. Red dashed arrows are acknowledgements still missing.</figcaption>
</figure>
<h2>Steps</h2>
<table class="steps">
<thead><tr><th scope="col">#</th><th scope="col">Stored</th><th scope="col">After start</th><th scope="col">Type</th><th scope="col">From</th><th scope="col">To</th><th scope="col">What</th><th scope="col">Message id</th></tr></thead>
<tbody>${view.steps.map((s, i) => html`<tr id="row-${s.record.id}">
<td>${i + 1}</td><td class="when">${time(s.record.storedAt)}</td><td>+${duration(s.atMs)}</td><td>${typeBadge(s.record.type)}</td>
<td>${orgChip(directory, s.record.sender, s.record.senderLevel)}</td><td>${orgChip(directory, s.record.audience, s.record.audienceLevel)}</td>
<td>${s.record.summary}</td><td><code class="id">${s.record.id}</code></td></tr>`)}
${view.missing.map((m) => html`<tr class="overdue"><td>✗</td><td colspan="4">No acknowledgement from ${orgChip(directory, m.org)}</td><td colspan="3"><a href="/notices/${m.noticeId}">${m.title}</a> — ${m.deadline ? html`${m.overdue ? "overdue since" : "due"} ${time(m.deadline)}` : "no deadline"}${m.escalated ? " (escalated)" : ""}</td></tr>`)}
</tbody></table>`;
}
