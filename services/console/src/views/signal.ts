/**
 * The "raise a signal" form: kind, severity, title, what was observed (no personal data), the
 * optional prevention tier and forms of extremism, and whether to ask for escalation. Sent as the
 * signed-in person's organisation to the platform. After a refused submission it comes back with
 * the values kept and each message at its field; after a raised one, a note with its trace.
 */
import { html } from "hono/html";
import { EXTREMISM_FORMS, PREVENTION_TIERS, SEVERITIES, SIGNAL_KINDS } from "@schakel/contracts";
import type { Messages } from "../i18n/messages.ts";
import type { FieldErrors, SignalField, SignalFormInput } from "../post/action-forms.ts";
import { fieldKit, options, publishFailure } from "./form-fields.ts";
import type { Html } from "./format.ts";

export interface SignalFormView {
  /** The person's organisation, and the platform it goes to. */
  from: string;
  to: string;
  csrf: string;
  values: SignalFormInput;
  errors: FieldErrors<SignalField>;
  t: Messages;
  publishError?: string;
  /** The trace of the signal just raised. */
  raised?: string;
}

export function signalForm(v: SignalFormView): Html {
  const { t, values } = v;
  const st = t.signal;
  const k = fieldKit("s", st.labels, v.errors, t);
  const forms = new Set(values.extremismForms ?? []);
  return html`${v.raised ? html`<p class="notice-ok" role="status">${st.raised} <a href="/traces/${v.raised}">${st.openTrace}</a></p>` : ""}
${k.summary(st.notRaised, t.post.nothingPublished)}
${publishFailure(st.busRefused, v.publishError)}
<form class="post signal" method="post" action="/signal" novalidate>
<input type="hidden" name="_csrf" value="${v.csrf}">
${values.signalId ? html`<input type="hidden" name="signalId" value="${values.signalId}">` : ""}
<p class="meta">${st.fromTo(v.from, v.to)}</p>
<div class="row">
<div class="field"><label for="${k.id("kind")}">${st.labels.kind}</label>
<select id="${k.id("kind")}" name="kind"${k.aria("kind")}>${options(SIGNAL_KINDS, values.kind, t.post.choose)}</select>${k.error("kind")}</div>
<div class="field"><label for="${k.id("severity")}">${st.labels.severity}</label>
<select id="${k.id("severity")}" name="severity"${k.aria("severity")}>${options(SEVERITIES, values.severity, t.post.choose)}</select>${k.error("severity")}</div>
</div>
<div class="field"><label for="${k.id("title")}">${st.labels.title}</label>
<input id="${k.id("title")}" name="title" type="text" maxlength="200" value="${values.title ?? ""}"${k.aria("title")}>${k.error("title")}</div>
<div class="field"><label for="${k.id("description")}">${st.labels.description}</label>
<textarea id="${k.id("description")}" name="description" rows="6"${k.aria("description", "s-description-help")}>${values.description ?? ""}</textarea>
<small id="s-description-help">${st.descriptionHelp}</small>${k.error("description")}</div>
<div class="field"><label for="${k.id("preventionTier")}">${st.labels.preventionTier}</label>
<select id="${k.id("preventionTier")}" name="preventionTier"${k.aria("preventionTier", "s-tier-help")}>${options(PREVENTION_TIERS, values.preventionTier, t.post.notSpecified)}</select>
<small id="s-tier-help">${t.post.tierHelp}</small>${k.error("preventionTier")}</div>
<fieldset class="field" id="${k.id("extremismForms")}"${k.aria("extremismForms")}><legend>${st.labels.extremismForms}</legend>
<div class="checks">${EXTREMISM_FORMS.map((f) => html`<label><input type="checkbox" name="extremismForms" value="${f}"${forms.has(f) ? html` checked` : ""}> ${f}</label>`)}</div>${k.error("extremismForms")}</fieldset>
<div class="field check"><label><input id="${k.id("escalate")}" type="checkbox" name="escalate" value="on"${values.escalate ? html` checked` : ""}${k.aria("escalate", "s-escalate-help")}> ${st.labels.escalate}</label>
<small id="s-escalate-help">${st.escalateHelp}</small>${k.error("escalate")}</div>
<div class="actions"><button type="submit">${st.submit}</button></div>
</form>`;
}
