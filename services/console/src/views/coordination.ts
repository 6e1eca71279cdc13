/**
 * Coordination: the requests that await the signed-in person's organisation's answer, each with
 * its answer form (for persons who may answer), and the form to ask another organisation or level
 * to align, inform or act (for persons who may ask). Errors are shown at their fields, as on the
 * notice form; several answer forms share the page, so their ids carry the request's id.
 */
import { html } from "hono/html";
import { AUDIENCE_GROUPS, COORDINATION_ASKS, COORDINATION_OUTCOMES, PREVENTION_TIERS } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { OpenRequest } from "../model/coordination-query.ts";
import type { AnswerField, AnswerFormInput, FieldErrors, RequestField, RequestFormInput } from "../post/action-forms.ts";
import { fieldKit, options, publishFailure } from "./form-fields.ts";
import { levelName, orgChip, time, type Html } from "./format.ts";

/** The answer form that was refused, shown again with its values and errors. */
export interface RefusedAnswer {
  requestId: string;
  values: AnswerFormInput;
  errors: FieldErrors<AnswerField>;
  publishError?: string;
}

export interface CoordinationView {
  org: string;
  requests: OpenRequest[];
  csrf: string;
  directory: KeyDirectory;
  t: Messages;
  mayAnswer: boolean;
  mayRequest: boolean;
  refused?: RefusedAnswer;
  /** What was just sent, and the trace it is on. */
  done?: { kind: "requested" | "answered"; traceId: string };
}

function answerForm(r: OpenRequest, v: CoordinationView): Html {
  const { t } = v;
  const ct = t.coordination;
  const refused = v.refused?.requestId === r.requestId ? v.refused : undefined;
  const k = fieldKit(`a-${r.requestId}`, ct.labels, refused?.errors ?? {}, t);
  const values = refused?.values ?? {};
  return html`<form class="post answer" method="post" action="/coordination/${r.requestId}/answer" novalidate>
${k.summary(ct.notSent)}${publishFailure(ct.busRefused, refused?.publishError)}
<fieldset><legend>${ct.answerFor(r.topic)}</legend>
<input type="hidden" name="_csrf" value="${v.csrf}">
<div class="field"><label for="${k.id("outcome")}">${ct.labels.outcome}</label>
<select id="${k.id("outcome")}" name="outcome"${k.aria("outcome")}>${options(COORDINATION_OUTCOMES, values.outcome, t.post.choose, (o) => ct.outcomes[o] ?? o)}</select>${k.error("outcome")}</div>
<div class="field"><label for="${k.id("answer")}">${ct.labels.answer}</label>
<textarea id="${k.id("answer")}" name="answer" rows="3"${k.aria("answer")}>${values.answer ?? ""}</textarea>${k.error("answer")}</div>
<div class="actions"><button type="submit">${ct.answerAs(v.org)}</button></div>
</fieldset></form>`;
}

/** The coordination page: open requests to the organisation (with answer forms) and the way to ask. */
export function coordinationPage(v: CoordinationView): Html {
  const { t } = v;
  const ct = t.coordination;
  return html`${v.done ? html`<p class="notice-ok" role="status">${v.done.kind === "requested" ? ct.requested : ct.answered} <a href="/traces/${v.done.traceId}">${ct.openTrace}</a></p>` : ""}
${v.mayRequest ? html`<p><a href="/coordination/request">${ct.newRequest}</a></p>` : ""}
<section aria-labelledby="open-requests-h">
<h2 id="open-requests-h">${ct.open(v.org)}</h2>
${v.requests.length === 0 ? html`<p class="empty">${ct.none}</p>` : ""}
${v.requests.map((r) => html`<article class="card request" data-request="${r.requestId}" aria-labelledby="rq-${r.requestId}">
<h3 id="rq-${r.requestId}"><a href="/traces/${r.traceId}">${r.topic}</a></h3>
<dl class="facts"><dt>${ct.from}</dt><dd>${orgChip(t, v.directory, r.sender)}</dd>
<dt>${ct.received}</dt><dd>${time(r.postedAt, t)}</dd>
<dt>${ct.respondBy}</dt><dd>${r.respondBy ? time(r.respondBy, t) : ct.noDeadline}${r.overdue ? html` <span class="status st-overdue">${t.common.overdue}</span>` : ""}</dd></dl>
${v.mayAnswer ? answerForm(r, v) : ""}
</article>`)}
</section>`;
}

export interface RequestFormView {
  from: string;
  csrf: string;
  values: RequestFormInput;
  errors: FieldErrors<RequestField>;
  directory: KeyDirectory;
  t: Messages;
  publishError?: string;
}

/** The form to request coordination, sent as `from` (the person's organisation). */
export function requestForm(v: RequestFormView): Html {
  const { t, values, directory } = v;
  const ct = t.coordination;
  const k = fieldKit("r", ct.labels, v.errors, t);
  const byLevel = ["local", "flemish", "federal", "supralocal"] as const;
  const sel = (id: string) => (id === values.to ? html` selected` : "");
  return html`${k.summary(ct.notSent, t.post.nothingPublished)}
${publishFailure(ct.busRefused, v.publishError)}
<form class="post request" method="post" action="/coordination/request" novalidate>
<input type="hidden" name="_csrf" value="${v.csrf}">
${values.requestId ? html`<input type="hidden" name="requestId" value="${values.requestId}">` : ""}
<p class="meta">${ct.fromHelp(v.from)}</p>
<div class="field"><label for="${k.id("to")}">${ct.labels.to}</label>
<select id="${k.id("to")}" name="to"${k.aria("to", "r-to-help")}><option value="">${t.post.choose}</option>
<optgroup label="${t.post.groups}">${AUDIENCE_GROUPS.map((g) => html`<option value="${g}"${sel(g)}>${g === "all" ? t.post.everyone : t.post.allOf(levelName(t, g).toLowerCase())}</option>`)}</optgroup>
${byLevel.map((l) => html`<optgroup label="${levelName(t, l)}">${directory.organisations.filter((o) => o.level === l && o.id !== v.from).map((o) => html`<option value="${o.id}"${sel(o.id)}>${o.id} — ${o.name}</option>`)}</optgroup>`)}
</select><small id="r-to-help">${ct.toHelp}</small>${k.error("to")}</div>
<div class="field"><label for="${k.id("ask")}">${ct.labels.ask}</label>
<select id="${k.id("ask")}" name="ask"${k.aria("ask")}>${options(COORDINATION_ASKS, values.ask, t.post.choose, (a) => ct.asks[a] ?? a)}</select>${k.error("ask")}</div>
<div class="field"><label for="${k.id("topic")}">${ct.labels.topic}</label>
<input id="${k.id("topic")}" name="topic" type="text" maxlength="200" value="${values.topic ?? ""}"${k.aria("topic")}>${k.error("topic")}</div>
<div class="field"><label for="${k.id("body")}">${ct.labels.body}</label>
<textarea id="${k.id("body")}" name="body" rows="6"${k.aria("body")}>${values.body ?? ""}</textarea>${k.error("body")}</div>
<div class="row">
<div class="field"><label for="${k.id("respondBy")}">${ct.labels.respondBy}</label>
<input id="${k.id("respondBy")}" name="respondBy" type="datetime-local" value="${values.respondBy ?? ""}"${k.aria("respondBy", "r-respondBy-help")}>
<small id="r-respondBy-help">${ct.respondByHelp}</small>${k.error("respondBy")}</div>
<div class="field"><label for="${k.id("preventionTier")}">${ct.labels.preventionTier}</label>
<select id="${k.id("preventionTier")}" name="preventionTier"${k.aria("preventionTier")}>${options(PREVENTION_TIERS, values.preventionTier, t.post.notSpecified)}</select>${k.error("preventionTier")}</div>
</div>
<div class="actions"><button type="submit">${ct.submitRequest}</button></div>
</form>`;
}
