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
import { feedHead, feedRow } from "./feed.ts";
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

function tile(label: string, value: number, href: string, tone = ""): Html {
  return html`<li class="tile ${tone}"><a href="${href}"><span class="value">${count(value)}</span><span class="label">${label}</span></a></li>`;
}

export function overviewPage(o: { viewer: Viewpoint; figures: OverviewFigures; latest: FlowRecord[]; oldest: Obligation[]; levelPairs: PairCount[]; directory: KeyDirectory }): Html {
  const f = o.figures;
  return html`<section class="intro" aria-label="About this console">
<p><strong>Schakel</strong> links the <span class="chip lvl-local">local</span> municipalities, the <span class="chip lvl-flemish">Flemish</span> platform and policy domains, and the <span class="chip lvl-federal">federal</span> services.
Every notice, signal, request and acknowledgement between them travels over one signed, traceable bus; this console shows those flows as <strong>${o.viewer.name}</strong> may see them.</p>
<ul class="howto">
<li><a href="/feed">Live feed</a>: messages as they flow — open one to see its whole trace.</li>
<li><a href="/notices">Notices</a>: who received and acknowledged each notice; <a href="/obligations">obligations</a> still owed, oldest first.</li>
<li><a href="/flows">Flow map</a>: who informs whom, and how fast notices are acknowledged.</li>
</ul>
</section>
<ul class="tiles" aria-label="Key figures">
${tile("messages", f.messages, "/feed")}
${tile("notices", f.notices, "/notices")}
${tile("awaiting acknowledgements", f.openNotices, "/notices?status=open")}
${tile("open obligations", f.obligations, "/obligations")}
${tile("overdue", f.overdue, "/obligations", f.overdue ? "bad" : "")}
${tile("escalations", f.escalations, "/obligations#esc-h", f.escalations ? "warn" : "")}
${f.refused ? tile("refused (bad signature or schema)", f.refused, "/api/refused", "warn") : ""}
</ul>
<section class="card" aria-labelledby="latest-h"><h2 id="latest-h">Latest messages <span class="live" data-live-status>live</span></h2>
<table class="feed compact">${feedHead}<tbody data-live-feed="/live/feed" data-max-rows="10">${o.latest.map((r) => feedRow(r, o.directory))}</tbody></table>
${o.latest.length === 0 ? html`<p class="empty">Nothing has moved yet. Post a notice, or start the demo with <code>schakel up --demo</code>.</p>` : ""}
<p><a href="/feed">The whole feed →</a></p></section>
<div class="grid2">
<section class="card" aria-labelledby="flow-h"><h2 id="flow-h">Between the levels, last 24 hours</h2>
${levelFlowChart(o.levelPairs, { width: 520, height: 240 })}
<p><a href="/flows">The flow map →</a></p></section>
<section class="card" aria-labelledby="oldest-h"><h2 id="oldest-h">Oldest open obligations</h2>
<table class="obligations compact"><thead><tr><th scope="col">Since</th><th scope="col">About</th><th scope="col">Owed by</th><th scope="col">Deadline</th></tr></thead>
<tbody>${o.oldest.map((ob) => html`<tr${ob.overdue ? html` class="overdue"` : ""}><td class="when">${time(ob.createdAt)}</td>
<td><a href="${ob.kind === "acknowledgement" ? `/notices/${ob.reference}` : `/traces/${ob.traceId}`}">${ob.title}</a><br><small>${ob.kind} to ${ob.owedTo}</small></td>
<td>${orgChip(o.directory, ob.owedBy)}</td><td>${ob.deadline ? time(ob.deadline) : "none"}${ob.overdue ? html` <span class="status st-overdue">overdue</span>` : ""}</td></tr>`)}</tbody></table>
${o.oldest.length === 0 ? html`<p class="empty">Nothing is owed right now.</p>` : ""}
<p><a href="/obligations">All obligations and escalations →</a></p></section>
</div>`;
}
