/**
 * The live feed: a filter form (level, organisation, type, prevention tier, form of extremism,
 * time window), the newest messages first, one server-rendered row per message — the same
 * renderer feeds the page and the live stream, so a row looks the same however it arrived.
 */
import { html } from "hono/html";
import { EXTREMISM_FORMS, MESSAGE_TYPES, PREVENTION_TIERS } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { Messages } from "../i18n/messages.ts";
import type { FeedFilter, FeedPage } from "../model/feed-query.ts";
import { LANE_LEVELS } from "../model/feed-query.ts";
import type { FlowRecord } from "../model/record.ts";
import { boundsOf, isOpenEnded, SINCE_CHOICES } from "../model/time-window.ts";
import { count, orgChip, query, time, typeBadge, type Html } from "./format.ts";
import { term } from "./glossary-term.ts";

const FAMILIES = [...new Set(MESSAGE_TYPES.map((t) => t.split(".")[0]!))];

/** One feed row; the whole row opens the message's trace, the link inside keeps it keyboard-reachable. */
export function feedRow(r: FlowRecord, directory: KeyDirectory, t: Messages): Html {
  const href = `/traces/${r.traceId}#m-${r.id}`;
  const tags = [r.preventionTier ? html`<span class="tag">${term("prevention-tier", r.preventionTier, t.tag)}</span>` : "", ...(r.extremismForms ?? []).map((f) => html`<span class="tag">${term("extremism-form", f, t.tag)}</span>`)];
  return html`<tr data-href="${href}" data-pos="${r.pos}">
<td class="when">${time(r.storedAt, t)}</td>
<td>${typeBadge(r.type)}</td>
<td>${orgChip(t, directory, r.sender, r.senderLevel)}</td>
<td>${orgChip(t, directory, r.audience, r.audienceLevel)}</td>
<td class="summary"><a href="${href}">${r.summary}</a>${r.sealed ? html` <span class="sealed" title="${t.common.sealedTitle}">${t.common.sealed}</span>` : ""} ${tags}</td>
</tr>`;
}

/** The table head shared by the feed and the overview. */
export const feedHead = (t: Messages): Html =>
  html`<thead><tr><th scope="col">${t.common.stored}</th><th scope="col">${t.common.type}</th><th scope="col">${t.common.from}</th><th scope="col">${t.common.to}</th><th scope="col">${t.common.what}</th></tr></thead>`;

/** The live status badge; its words in every state travel with it for the script. */
export const liveBadge = (t: Messages): Html =>
  html`<span class="live" data-live-status data-text-live="${t.feed.live.live}" data-text-reconnecting="${t.feed.live.reconnecting}" data-text-paused="${t.feed.live.paused}">${t.feed.live.live}</span>`;

/** A polite status region the script fills with a short summary of new rows (at most every few seconds). */
export const liveAnnouncer = (t: Messages): Html =>
  html`<p class="sr" role="status" aria-live="polite" data-live-announce="${t.feed.announce}"></p>`;

function select(t: Messages, name: string, label: string, options: readonly string[], value: string | undefined, names?: Record<string, string>): Html {
  return html`<div class="field"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"><option value="">${t.common.any}</option>${options.map((o) => html`<option value="${o}"${o === value ? html` selected` : ""}>${names?.[o] ?? o}</option>`)}</select></div>`;
}

/** The query parameters of a filter, for links that keep it. */
export function feedParams(filter: FeedFilter): Record<string, string | undefined> {
  const w = filter.window;
  return { level: filter.level, org: filter.org, type: filter.type, tier: filter.tier, form: filter.form, since: w?.since, from: w?.fromText, to: w?.toText };
}

function windowFields(t: Messages, filter: FeedFilter): Html {
  const w = filter.window ?? {};
  const explicit = w.fromText !== undefined || w.toText !== undefined;
  const chosen = explicit ? "" : (w.since ?? "all");
  return html`<fieldset class="periods"><legend>${t.feed.window}</legend>
${SINCE_CHOICES.map((s) => html`<label class="pill"><input type="radio" name="since" value="${s}"${s === chosen ? html` checked` : ""}> ${t.feed.since[s]}</label>`)}
</fieldset>
<div class="field"><label for="f-from">${t.feed.windowFrom}</label><input id="f-from" name="from" type="datetime-local" step="1" value="${w.fromText ?? ""}" aria-describedby="f-window-help"></div>
<div class="field"><label for="f-to">${t.feed.windowTo}</label><input id="f-to" name="to" type="datetime-local" step="1" value="${w.toText ?? ""}" aria-describedby="f-window-help"></div>
<small id="f-window-help" class="hint">${t.feed.windowHelp}</small>`;
}

/** The feed page body; `live` is false on older pages and for windows that ended. */
export function feedPage(page: FeedPage, filter: FeedFilter, directory: KeyDirectory, t: Messages, opts: { live: boolean }): Html {
  const params = feedParams(filter);
  const live = opts.live && (!filter.window || isOpenEnded(filter.window));
  const orgs = directory.organisations.map((o) => o.id);
  const bounds = filter.window ? boundsOf(filter.window) : {};
  return html`<form class="filters" method="get" action="/feed" aria-label="${t.feed.filterLabel}">
${select(t, "level", t.feed.level, LANE_LEVELS, filter.level, t.levels)}
${select(t, "org", t.feed.organisation, orgs, filter.org)}
${select(t, "type", t.common.type, [...FAMILIES, ...MESSAGE_TYPES], filter.type)}
${select(t, "tier", t.feed.tier, PREVENTION_TIERS, filter.tier)}
${select(t, "form", t.feed.form, EXTREMISM_FORMS, filter.form)}
${windowFields(t, filter)}
<div class="actions"><button type="submit">${t.feed.applyFilters}</button> <a href="/feed">${t.common.clear}</a></div>
</form>
<p class="meta">${live ? html`${liveBadge(t)} ` : opts.live ? "" : html`<a href="/feed${query(params)}">${t.feed.backToLive}</a> · `}<span data-total="${page.total}">${count(page.total, t)}</span> ${t.feed.match}${bounds.from !== undefined ? html` ${t.feed.windowShown(time(bounds.from, t), bounds.to !== undefined ? time(bounds.to, t) : "…")}` : ""}</p>
${live ? liveAnnouncer(t) : ""}
<table class="feed" aria-label="${t.feed.tableLabel}">
${feedHead(t)}
<tbody${live ? html` data-live-feed="/live/feed${query(params)}"` : ""}>${page.items.map((r) => feedRow(r, directory, t))}</tbody>
</table>
${page.items.length === 0 ? html`<p class="empty">${t.feed.empty}</p>` : ""}
<nav class="pager" aria-label="${t.feed.pages}">
${page.before !== undefined ? html`<a href="/feed${query({ ...params, before: page.before })}" rel="next">${t.feed.older}</a>` : html`<span>${t.feed.end}</span>`}
</nav>`;
}

