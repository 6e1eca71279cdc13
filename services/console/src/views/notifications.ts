/**
 * The notifications pages: the organisation's notifications with where each delivery stands
 * (`/notifications`), and the signed-in person's preferences, one choice per event
 * (`/notifications/preferences`).
 */
import { html } from "hono/html";
import { NOTIFICATION_EVENTS, type EffectivePreferences, type NotificationRow } from "@schakel/organisation";
import type { Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";

export function notificationsPage(v: { org: string; rows: NotificationRow[]; t: Messages }): Html {
  const w = v.t.notifications;
  return html`<p>${w.intro(v.org)} <a href="/notifications/preferences">${w.prefsLink}</a></p>
${v.rows.length === 0 ? html`<p class="empty">${w.none}</p>` : html`<table class="notifications">
<caption class="visually-hidden">${w.title}</caption>
<thead><tr><th scope="col">${w.when}</th><th scope="col">${w.person}</th><th scope="col">${w.event}</th><th scope="col">${w.subject}</th><th scope="col">${w.status}</th><th scope="col">${w.attempts}</th><th scope="col">${w.lastError}</th></tr></thead>
<tbody>${v.rows.map((r) => html`<tr data-notification="${r.key}" data-status="${r.status}">
<td>${time(r.createdAt, v.t)}</td><td>${r.person}</td><td>${r.event}</td><td><a href="${r.path}">${r.subject}</a></td>
<td>${w.statuses[r.status]}${r.status === "retrying" && r.nextAttemptAt ? html` (${w.next} ${time(r.nextAttemptAt, v.t)})` : ""}</td>
<td>${r.attempts}</td><td>${r.lastError ?? ""}</td></tr>`)}</tbody></table>`}`;
}

export function preferencesPage(v: { prefs: EffectivePreferences; csrf: string; saved: boolean; error?: string; t: Messages }): Html {
  const w = v.t.notifications;
  return html`${v.saved ? html`<p class="notice-ok" role="status">${w.saved}</p>` : ""}
${v.error ? html`<p class="notice-error" role="alert">${v.error}</p>` : ""}
<p>${w.prefsIntro(v.prefs.email)}</p>
${v.prefs.stored ? "" : html`<p>${w.defaults}</p>`}
<form method="post" action="/notifications/preferences">
<input type="hidden" name="_csrf" value="${v.csrf}">
${NOTIFICATION_EVENTS.map((e) => html`<fieldset><legend>${w.events[e]}</legend>
<label><input type="radio" name="${e}" value="email"${v.prefs.events[e] === "email" ? " checked" : ""}${v.prefs.email ? "" : " disabled"}> ${w.email}</label>
<label><input type="radio" name="${e}" value="none"${v.prefs.events[e] === "none" ? " checked" : ""}> ${w.off}</label>
</fieldset>`)}
<p><button type="submit">${w.save}</button></p>
</form>
<p><a href="/notifications">${w.listLink}</a></p>`;
}
