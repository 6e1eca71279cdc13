/**
 * The "post a notice" form. After a refused submission it comes back with the values kept, an
 * error summary linking to each field, and every message next to its field (aria-invalid and
 * aria-describedby, so screen readers announce it too).
 */
import { html } from "hono/html";
import { AUDIENCE_GROUPS, EXTREMISM_FORMS, NOTICE_CATEGORIES, PREVENTION_TIERS } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { FieldErrors, NoticeField, NoticeFormInput } from "../post/notice-form.ts";
import type { Messages } from "../i18n/messages.ts";
import { levelName, type Html } from "./format.ts";

const errorsOf = (t: Messages, errors: FieldErrors, f: NoticeField): Html | string =>
  errors[f]?.length ? html`<p class="error" id="err-${f}"><span class="sr">${t.post.error}</span>${t.post.labels[f]}: ${errors[f]!.join("; ")}</p>` : "";
const invalid = (errors: FieldErrors, f: NoticeField, help?: string): Html => {
  const ids = [help, errors[f]?.length ? `err-${f}` : undefined].filter(Boolean).join(" ");
  return html`${ids ? html` aria-describedby="${ids}"` : ""}${errors[f]?.length ? html` aria-invalid="true"` : ""}`;
};
const checked = (on: boolean) => (on ? html` checked` : "");

/**
 * The form, sent as `from` (the signed-in person's organisation); `publishError` is a broker failure after validation passed (nothing or part was sent).
 * `nearby`: the only recipients offered, for a sender limited to nearby municipalities (catalog `nearbyOnly`); absent: every group and organisation.
 */
export function postForm(opts: { from: string; csrf: string; values: NoticeFormInput; errors: FieldErrors; directory: KeyDirectory; t: Messages; publishError?: string; nearby?: readonly string[] }): Html {
  const { values: v, errors, directory, t } = opts;
  const pt = t.post;
  const fieldLabel = (f: NoticeField) => pt.labels[f];
  const fields = Object.keys(errors) as NoticeField[];
  const recipients = new Set(v.recipients ?? []);
  const forms = new Set(v.extremismForms ?? []);
  const byLevel = ["local", "flemish", "federal", "supralocal"] as const;
  return html`${fields.length ? html`<div class="error-summary" role="alert" tabindex="-1" data-focus>
<h2>${pt.notPosted(fields.length)}</h2>
<ul>${fields.map((f) => html`<li><a href="#f-${f}">${fieldLabel(f)}: ${errors[f]!.join("; ")}</a></li>`)}</ul>
<p>${pt.nothingPublished}</p></div>` : ""}
${opts.publishError ? html`<div class="error-summary" role="alert"><h2>${pt.busRefused}</h2><p>${opts.publishError}</p></div>` : ""}
<form class="post" method="post" action="/post" novalidate>
${v.noticeId ? html`<input type="hidden" name="noticeId" value="${v.noticeId}">` : ""}
<div class="field"><p id="f-from"><strong>${fieldLabel("from")}:</strong> ${opts.from} — ${directory.organisation(opts.from)?.name ?? ""}</p>
<small id="h-from">${pt.fromHelp}</small>${errorsOf(t, errors, "from")}</div>
<input type="hidden" name="_csrf" value="${opts.csrf}">

<fieldset class="field" id="f-recipients"${invalid(errors, "recipients")}><legend>${fieldLabel("recipients")}</legend>
${opts.nearby ? html`<div class="checks" data-nearby>${opts.nearby.map((id) => html`<label title="${directory.organisation(id)?.name ?? id}"><input type="checkbox" name="recipients" value="${id}"${checked(recipients.has(id))}> ${id}</label>`)}</div>
<small id="h-recipients">${pt.nearbyHelp(opts.nearby.join(", ") || "—")}</small>` : html`<div class="checks"><span class="group-name">${pt.groups}</span>${AUDIENCE_GROUPS.map((g) => html`<label><input type="checkbox" name="recipients" value="${g}"${checked(recipients.has(g))}> ${g === "all" ? pt.everyone : pt.allOf(levelName(t, g).toLowerCase())}</label>`)}</div>
${byLevel.map((l) => html`<div class="checks"><span class="group-name">${levelName(t, l)}</span>${directory.organisations.filter((o) => o.level === l).map((o) => html`<label title="${o.name}"><input type="checkbox" name="recipients" value="${o.id}"${checked(recipients.has(o.id))}> ${o.id}</label>`)}</div>`)}`}
${errorsOf(t, errors, "recipients")}</fieldset>

<div class="field"><label for="f-title">${fieldLabel("title")}</label>
<input id="f-title" name="title" type="text" maxlength="200" value="${v.title ?? ""}"${invalid(errors, "title")}>${errorsOf(t, errors, "title")}</div>

<div class="field"><label for="f-body">${fieldLabel("body")}</label>
<textarea id="f-body" name="body" rows="6"${invalid(errors, "body")}>${v.body ?? ""}</textarea>${errorsOf(t, errors, "body")}</div>

<div class="row">
<div class="field"><label for="f-category">${fieldLabel("category")}</label>
<select id="f-category" name="category"${invalid(errors, "category")}><option value="">${pt.choose}</option>${NOTICE_CATEGORIES.map((c) => html`<option value="${c}"${c === v.category ? html` selected` : ""}>${c}</option>`)}</select>${errorsOf(t, errors, "category")}</div>
<div class="field"><label for="f-preventionTier">${fieldLabel("preventionTier")}</label>
<select id="f-preventionTier" name="preventionTier"${invalid(errors, "preventionTier", "h-tier")}><option value="">${pt.notSpecified}</option>${PREVENTION_TIERS.map((t) => html`<option value="${t}"${t === v.preventionTier ? html` selected` : ""}>${t}</option>`)}</select>
<small id="h-tier">${pt.tierHelp}</small>${errorsOf(t, errors, "preventionTier")}</div>
</div>

<fieldset class="field" id="f-extremismForms"${invalid(errors, "extremismForms")}><legend>${fieldLabel("extremismForms")}</legend>
<div class="checks">${EXTREMISM_FORMS.map((f) => html`<label><input type="checkbox" name="extremismForms" value="${f}"${checked(forms.has(f))}> ${f}</label>`)}</div>${errorsOf(t, errors, "extremismForms")}</fieldset>

<div class="row">
<div class="field check"><label><input id="f-ackRequired" type="checkbox" name="ackRequired" value="on"${checked(v.ackRequired === true)}> ${fieldLabel("ackRequired")}</label>${errorsOf(t, errors, "ackRequired")}</div>
<div class="field"><label for="f-ackBy">${fieldLabel("ackBy")}</label>
<input id="f-ackBy" name="ackBy" type="datetime-local" value="${v.ackBy ?? ""}"${invalid(errors, "ackBy", "h-ackBy")}>
<small id="h-ackBy">${pt.ackByHelp}</small>${errorsOf(t, errors, "ackBy")}</div>
<div class="field"><label for="f-caseRef">${fieldLabel("caseRef")}</label>
<input id="f-caseRef" name="caseRef" type="text" placeholder="LIVC-MECH-2026-0042" value="${v.caseRef ?? ""}"${invalid(errors, "caseRef", "h-case")}>
<small id="h-case">${pt.caseHelp}</small>${errorsOf(t, errors, "caseRef")}</div>
</div>
<div class="actions"><button type="submit">${pt.submit}</button></div>
</form>`;
}
