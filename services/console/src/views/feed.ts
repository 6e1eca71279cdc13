/**
 * The live feed: a filter form (level, organisation, type, prevention tier, form of extremism),
 * the newest messages first, one server-rendered row per message — the same renderer feeds the
 * page and the live stream, so a row looks the same however it arrived.
 */
import { html } from "hono/html";
import { EXTREMISM_FORMS, MESSAGE_TYPES, PREVENTION_TIERS } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { FeedFilter, FeedPage } from "../model/feed-query.ts";
import { LANE_LEVELS } from "../model/feed-query.ts";
import type { FlowRecord } from "../model/record.ts";
import { count, LEVEL_NAMES, orgChip, query, time, typeBadge, type Html } from "./format.ts";

const FAMILIES = [...new Set(MESSAGE_TYPES.map((t) => t.split(".")[0]!))];

/** One feed row; the whole row opens the message's trace, the link inside keeps it keyboard-reachable. */
export function feedRow(r: FlowRecord, directory: KeyDirectory): Html {
  const href = `/traces/${r.traceId}#m-${r.id}`;
  const tags = [r.preventionTier ? html`<span class="tag">${r.preventionTier}</span>` : "", ...(r.extremismForms ?? []).map((f) => html`<span class="tag">${f}</span>`)];
  return html`<tr data-href="${href}" data-pos="${r.pos}">
<td class="when">${time(r.storedAt)}</td>
<td>${typeBadge(r.type)}</td>
<td>${orgChip(directory, r.sender, r.senderLevel)}</td>
<td>${orgChip(directory, r.audience, r.audienceLevel)}</td>
<td class="summary"><a href="${href}">${r.summary}</a>${r.sealed ? html` <span class="sealed" title="content sealed to its named recipients; only they can open it">sealed</span>` : ""} ${tags}</td>
</tr>`;
}

/** The table head shared by the feed and the overview. */
export const feedHead = html`<thead><tr><th scope="col">Stored</th><th scope="col">Type</th><th scope="col">From</th><th scope="col">To</th><th scope="col">What</th></tr></thead>`;

function select(name: string, label: string, options: readonly string[], value: string | undefined, names?: Record<string, string>): Html {
  return html`<div class="field"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"><option value="">any</option>${options.map((o) => html`<option value="${o}"${o === value ? html` selected` : ""}>${names?.[o] ?? o}</option>`)}</select></div>`;
}

/** The feed page body. */
export function feedPage(page: FeedPage, filter: FeedFilter, directory: KeyDirectory, opts: { live: boolean }): Html {
  const params = { level: filter.level, org: filter.org, type: filter.type, tier: filter.tier, form: filter.form };
  const orgs = directory.organisations.map((o) => o.id);
  return html`<form class="filters" method="get" action="/feed" aria-label="Filter the feed">
${select("level", "Level", LANE_LEVELS, filter.level, LEVEL_NAMES)}
${select("org", "Organisation", orgs, filter.org)}
${select("type", "Type", [...FAMILIES, ...MESSAGE_TYPES], filter.type)}
${select("tier", "Prevention tier", PREVENTION_TIERS, filter.tier)}
${select("form", "Form of extremism", EXTREMISM_FORMS, filter.form)}
<div class="actions"><button type="submit">Apply filters</button> <a href="/feed">Clear</a></div>
</form>
<p class="meta">${opts.live ? html`<span class="live" data-live-status>live</span> ` : html`<a href="/feed${query(params)}">Back to the newest (live)</a> · `}<span data-total="${page.total}">${count(page.total)}</span> messages match. Newest first; select a row to open its trace.</p>
<table class="feed" aria-label="Messages">
${feedHead}
<tbody${opts.live ? html` data-live-feed="/live/feed${query(params)}"` : ""}>${page.items.map((r) => feedRow(r, directory))}</tbody>
</table>
${page.items.length === 0 ? html`<p class="empty">No messages match these filters yet. New ones appear here as they flow.</p>` : ""}
<nav class="pager" aria-label="Feed pages">
${page.before !== undefined ? html`<a href="/feed${query({ ...params, before: page.before })}" rel="next">Older messages →</a>` : html`<span>End of the record</span>`}
</nav>`;
}
