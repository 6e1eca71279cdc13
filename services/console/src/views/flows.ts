/**
 * The flow map page: choose a period, then see who informs whom between the levels and the
 * organisations, and how fast notices are acknowledged. Charts first; the numbers behind them
 * in tables underneath.
 */
import { html } from "hono/html";
import { PERIODS, type FlowStats, type Period } from "../model/flows.ts";
import type { LaneLevel } from "../model/record.ts";
import { levelFlowChart, latencyBars, pairBars } from "./flow-charts.ts";
import { clock, count, duration, LEVEL_NAMES, type Html } from "./format.ts";

const PERIOD_NAMES: Record<Period, string> = { "1h": "last hour", "24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", all: "everything" };

export function flowsPage(stats: FlowStats, period: Period | "custom", window: { from?: string; to?: string } = {}): Html {
  const latencyRows = [
    { label: "all recipients", ...stats.ackLatency },
    ...stats.ackLatencyByLevel.map((l) => ({ label: LEVEL_NAMES[l.level as LaneLevel] ?? l.level, ...l })),
  ];
  return html`<form class="filters" method="get" action="/flows" aria-label="Period">
<fieldset class="periods"><legend>Period</legend>
${(Object.keys(PERIODS) as Period[]).map((p) => html`<label class="pill"><input type="radio" name="period" value="${p}"${p === period ? html` checked` : ""}> ${PERIOD_NAMES[p]}</label>`)}
</fieldset>
<div class="field"><label for="p-from">or from</label><input id="p-from" name="from" type="datetime-local" value="${window.from ?? ""}"></div>
<div class="field"><label for="p-to">until</label><input id="p-to" name="to" type="datetime-local" value="${window.to ?? ""}" aria-describedby="p-help"></div>
<div class="actions"><button type="submit">Show</button></div>
<small id="p-help" class="hint">A window (this machine's time zone) replaces the period; leave “until” empty for now.</small>
</form>
<p class="meta">${count(stats.messages)} messages stored between ${clock(stats.from)} and ${clock(stats.to)}.</p>
<div class="grid2">
<section class="card" aria-labelledby="lv-h"><h2 id="lv-h">Between the levels</h2>
${levelFlowChart(stats.levelPairs)}
<p class="hint">Left: the level that sent; right: the level addressed (“Everyone” is a message to all).</p></section>
<section class="card" aria-labelledby="lat-h"><h2 id="lat-h">Acknowledgement latency</h2>
${latencyBars(latencyRows)}
<p class="hint">Time from a notice being stored to each recipient's acknowledgement, for notices posted in the period.</p></section>
</div>
<section class="card" aria-labelledby="org-h"><h2 id="org-h">Busiest organisation pairs</h2>${pairBars(stats.orgPairs)}</section>
<section class="card" aria-labelledby="orglat-h"><h2 id="orglat-h">Slowest acknowledgers (p95)</h2>${latencyBars(stats.ackLatencyByOrg.slice(0, 12).map((l) => ({ label: l.org, ...l })))}</section>
<details><summary>The numbers behind the charts</summary>
<div class="grid2">
<table><caption>Messages per pair of levels</caption><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Messages</th></tr></thead>
<tbody>${stats.levelPairs.map((p) => html`<tr><td>${LEVEL_NAMES[p.from as LaneLevel] ?? p.from}</td><td>${LEVEL_NAMES[p.to as LaneLevel] ?? p.to}</td><td>${count(p.count)}</td></tr>`)}</tbody></table>
<table><caption>Acknowledgement latency per organisation</caption><thead><tr><th scope="col">Recipient</th><th scope="col">n</th><th scope="col">p50</th><th scope="col">p95</th></tr></thead>
<tbody>${stats.ackLatencyByOrg.map((l) => html`<tr><td>${l.org}</td><td>${count(l.n)}</td><td>${duration(l.p50)}</td><td>${duration(l.p95)}</td></tr>`)}</tbody></table>
</div>
<table><caption>Messages per pair of organisations (sender → audience as addressed)</caption><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Messages</th></tr></thead>
<tbody>${stats.orgPairs.slice(0, 200).map((p) => html`<tr><td>${p.from}</td><td>${p.to}</td><td>${count(p.count)}</td></tr>`)}</tbody></table>
</details>`;
}
