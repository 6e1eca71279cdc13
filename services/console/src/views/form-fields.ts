/**
 * Field errors for the action forms (signal, coordination), marked up like the notice form's:
 * a summary that links to each field, each message next to its field with an id, and the field
 * pointing at it (aria-describedby, aria-invalid), so screen readers announce it too. Ids carry a
 * prefix, so several forms can share a page.
 */
import { html } from "hono/html";
import type { Messages } from "../i18n/messages.ts";
import type { FieldErrors } from "../post/action-forms.ts";
import type { Html } from "./format.ts";

export interface FieldKit<F extends string> {
  /** The id of the field's control (`<prefix>-<field>`). */
  id(f: F): string;
  /** The message next to the field, if it has one. */
  error(f: F): Html | string;
  /** aria-describedby (help and error) and aria-invalid for the field's control. */
  aria(f: F, help?: string): Html;
  /** The summary above the form, headed by `heading`, with a link to each field in error. */
  summary(heading: (n: number) => string, after?: string): Html | string;
}

export function fieldKit<F extends string>(prefix: string, labels: Record<F, string>, errors: FieldErrors<F>, t: Messages): FieldKit<F> {
  const id = (f: F) => `${prefix}-${f}`;
  const has = (f: F) => (errors[f]?.length ?? 0) > 0;
  return {
    id,
    error: (f) => (has(f) ? html`<p class="error" id="err-${id(f)}"><span class="sr">${t.post.error}</span>${labels[f]}: ${errors[f]!.join("; ")}</p>` : ""),
    aria(f, help) {
      const ids = [help, has(f) ? `err-${id(f)}` : undefined].filter(Boolean).join(" ");
      return html`${ids ? html` aria-describedby="${ids}"` : ""}${has(f) ? html` aria-invalid="true"` : ""}`;
    },
    summary(heading, after) {
      const fields = (Object.keys(errors) as F[]).filter(has);
      if (fields.length === 0) return "";
      return html`<div class="error-summary" role="alert" tabindex="-1" data-focus>
<h2>${heading(fields.length)}</h2>
<ul>${fields.map((f) => html`<li><a href="#${id(f)}">${labels[f]}: ${errors[f]!.join("; ")}</a></li>`)}</ul>
${after ? html`<p>${after}</p>` : ""}</div>`;
    },
  };
}

/** A `<select>`'s options: a first empty choice, then `values` (shown by `name`), `selected` marked. */
export const options = (values: readonly string[], selected: string | undefined, empty: string, name: (v: string) => string = (v) => v): Html =>
  html`<option value="">${empty}</option>${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ""}>${name(v)}</option>`)}`;

/** The broker's refusal after validation passed (nothing, or not all, was sent). */
export const publishFailure = (heading: string, message: string | undefined): Html | string =>
  message ? html`<div class="error-summary" role="alert"><h2>${heading}</h2><p>${message}</p></div>` : "";
