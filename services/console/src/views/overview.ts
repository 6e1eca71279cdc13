/**
 * The overview a newcomer lands on: what Schakel is in three lines, the key figures, the latest
 * messages (live), the oldest open obligations, and today's flow between the levels.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { PairCount } from "../model/flows.ts";
import type { Obligation } from "../model/notice-query.ts";
import type { FlowRecord } from "../model/record.ts";
import type { Viewpoint } from "../model/visibility.ts";
import type { Messages } from "../i18n/messages.ts";
import { feedHead, feedRow, liveAnnouncer, liveBadge } from "./feed.ts";
import { levelFlowChart } from "./flow-charts.ts";
import { count, orgChip, time, type Html } from "./format.ts";

export interface OverviewFigures {
  messages: number;
  notices: number;
  openNotices: number;
  obligations: number;
  overdue: number;
  escalations: number;
  refused: number;
}

function tile(t: Messages, label: string, value: number, href: string, tone = ""): Html {
  return html`<li class="tile ${tone}"><a href="${href}"><span class="value">${count(value, t)}</span><span class="label">${label}</span></a></li>`;
}

export function overviewPage(o: { viewer: Viewpoint; figures: OverviewFigures; latest: FlowRecord[]; oldest: Obligation[]; levelPairs: PairCount[]; directory: KeyDirectory; t: Messages }): Html {
  const { figures: f, t } = o;
  const ov = t.overview;
  return html`<section class="intro" aria-label="${ov.about}">
${ov.intro(o.viewer.name)}
</section>
<ul class="tiles" aria-label="${ov.figures}">
${tile(t, ov.tiles.messages, f.messages, "/feed")}
${tile(t, ov.tiles.notices, f.notices, "/notices")}
${tile(t, ov.tiles.openNotices, f.openNotices, "/notices?status=open")}
${tile(t, ov.tiles.obligations, f.obligations, "/obligations")}
${tile(t, ov.tiles.overdue, f.overdue, "/obligations", f.overdue ? "bad" : "")}
${tile(t, ov.tiles.escalations, f.escalations, "/obligations#esc-h", f.escalations ? "warn" : "")}
${f.refused ? tile(t, ov.tiles.refused, f.refused, "/api/refused", "warn") : ""}
</ul>
<section class="card" aria-labelledby="latest-h"><h2 id="latest-h">${ov.latest} ${liveBadge(t)}</h2>
${liveAnnouncer(t)}
<table class="feed compact" aria-labelledby="latest-h">${feedHead(t)}<tbody data-live-feed="/live/feed" data-max-rows="10">${o.latest.map((r) => feedRow(r, o.directory, t))}</tbody></table>
${o.latest.length === 0 ? html`<p class="empty">${ov.nothingYet}</p>` : ""}
<p><a href="/feed">${ov.wholeFeed}</a></p></section>
<div class="grid2">
<section class="card" aria-labelledby="flow-h"><h2 id="flow-h">${ov.between}</h2>
${levelFlowChart(o.levelPairs, t, { width: 520, height: 240 })}
<p><a href="/flows">${ov.flowMap}</a></p></section>
<section class="card" aria-labelledby="oldest-h"><h2 id="oldest-h">${ov.oldest}</h2>
<table class="obligations compact" aria-labelledby="oldest-h"><thead><tr><th scope="col">${t.common.since}</th><th scope="col">${t.common.about}</th><th scope="col">${ov.owedBy}</th><th scope="col">${t.common.deadline}</th></tr></thead>
<tbody>${o.oldest.map((ob) => html`<tr${ob.overdue ? html` class="overdue"` : ""}><td class="when">${time(ob.createdAt, t)}</td>
<td><a href="${ob.kind === "acknowledgement" ? `/notices/${ob.reference}` : `/traces/${ob.traceId}`}">${ob.title}</a><br><small>${ov.kindTo(t.kinds[ob.kind] ?? ob.kind, ob.owedTo)}</small></td>
<td>${orgChip(t, o.directory, ob.owedBy)}</td><td>${ob.deadline ? time(ob.deadline, t) : t.common.none}${ob.overdue ? html` <span class="status st-overdue">${t.common.overdue}</span>` : ""}</td></tr>`)}</tbody></table>
${o.oldest.length === 0 ? html`<p class="empty">${ov.nothingOwed}</p>` : ""}
<p><a href="/obligations">${ov.allObligations}</a></p></section>
</div>`;
}
