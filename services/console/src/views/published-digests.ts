/**
 * The digest page for the platform: the digests it published, per municipality and newest first,
 * with how far each was read (items read / items, or "not read") and when it was last read, and a
 * filter for those not read in full (`?unread=1`, in the URL so it can be bookmarked).
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { DigestReadState, PublishedDigestRow } from "../model/published-digests.ts";
import { orgChip, time, type Html } from "./format.ts";

export interface PublishedDigestsView {
  rows: PublishedDigestRow[];
  /** Only digests not read in full are listed. */
  unread: boolean;
  /** What went wrong with a form the person sent from this page's header (none of its own). */
  error?: string;
  directory: KeyDirectory;
  t: Messages;
}

const STATE_CLASS: Record<DigestReadState, string> = { read: "st-complete", "partly-read": "st-open", "not-read": "st-overdue" };

export function publishedDigestsPage(v: PublishedDigestsView): Html {
  const { t } = v;
  const w = t.digests;
  const p = w.published;
  return html`${v.error ? html`<p class="notice-error" role="alert">${v.error}</p>` : ""}
<p>${p.intro}</p>
<form class="filters" method="get" action="/digests" aria-label="${p.filterLabel}"><div class="field check"><label><input type="checkbox" name="unread" value="1"${v.unread ? html` checked` : ""}> ${p.unreadOnly}</label></div>
<div class="actions"><button type="submit">${t.common.apply}</button></div></form>
${v.rows.length === 0 ? html`<p class="empty">${v.unread ? p.noneUnread : p.none}</p>` : html`<table class="published-digests" aria-label="${p.tableLabel}">
<thead><tr><th scope="col">${p.municipality}</th><th scope="col">${w.window}</th><th scope="col">${p.publishedAt}</th><th scope="col">${p.reading}</th><th scope="col">${p.lastRead}</th></tr></thead>
<tbody>${v.rows.map((r) => html`<tr data-digest="${r.digestId}" data-municipality="${r.municipality}" data-read="${r.state}">
<th scope="row">${orgChip(t, v.directory, r.municipality)}</th>
<td class="when">${time(r.windowStart, t)} – ${time(r.windowEnd, t)}</td>
<td class="when">${time(r.publishedAt, t)}</td>
<td data-field="reading"><span class="status ${STATE_CLASS[r.state]}">${r.state === "not-read" ? p.notRead : p.readCount(r.readItems, r.items)}</span></td>
<td data-field="last-read">${r.lastReadAt ? time(r.lastReadAt, t) : "—"}</td>
</tr>`)}</tbody></table>`}`;
}
