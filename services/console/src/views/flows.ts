/**
 * The flow map page: choose a period, then see who informs whom between the levels and the
 * organisations, and how fast notices are acknowledged. Charts first; the numbers behind them
 * in tables underneath.
 */
import { html } from "hono/html";
import { PERIODS, type FlowStats, type Period } from "../model/flows.ts";
import type { Messages } from "../i18n/messages.ts";
import { levelFlowChart, latencyBars, pairBars } from "./flow-charts.ts";
import { count, duration, levelName, time, type Html } from "./format.ts";

export function flowsPage(stats: FlowStats, period: Period | "custom", t: Messages, window: { from?: string; to?: string } = {}): Html {
  const ft = t.flows;
  const latencyRows = [
    { label: ft.allRecipients, ...stats.ackLatency },
    ...stats.ackLatencyByLevel.map((l) => ({ label: levelName(t, l.level), ...l })),
  ];
  return html`<form class="filters" method="get" action="/flows" aria-label="${ft.period}">
<fieldset class="periods"><legend>${ft.period}</legend>
${(Object.keys(PERIODS) as Period[]).map((p) => html`<label class="pill"><input type="radio" name="period" value="${p}"${p === period ? html` checked` : ""}> ${ft.periods[p]}</label>`)}
</fieldset>
<div class="field"><label for="p-from">${ft.orFrom}</label><input id="p-from" name="from" type="datetime-local" value="${window.from ?? ""}" aria-describedby="p-help"></div>
<div class="field"><label for="p-to">${ft.until}</label><input id="p-to" name="to" type="datetime-local" value="${window.to ?? ""}" aria-describedby="p-help"></div>
<div class="actions"><button type="submit">${ft.show}</button></div>
<small id="p-help" class="hint">${ft.help}</small>
</form>
<p class="meta">${ft.stored(count(stats.messages, t), time(stats.from, t), time(stats.to, t))}</p>
<div class="grid2">
<section class="card" aria-labelledby="lv-h"><h2 id="lv-h">${ft.between}</h2>
${levelFlowChart(stats.levelPairs, t)}
<p class="hint">${ft.betweenHint}</p></section>
<section class="card" aria-labelledby="lat-h"><h2 id="lat-h">${ft.latency}</h2>
${latencyBars(latencyRows, t)}
<p class="hint">${ft.latencyHint}</p></section>
</div>
<section class="card" aria-labelledby="org-h"><h2 id="org-h">${ft.busiest}</h2>${pairBars(stats.orgPairs, t)}</section>
<section class="card" aria-labelledby="orglat-h"><h2 id="orglat-h">${ft.slowest}</h2>${latencyBars(stats.ackLatencyByOrg.slice(0, 12).map((l) => ({ label: l.org, ...l })), t)}</section>
<details><summary>${ft.numbers}</summary>
<div class="grid2">
<table><caption>${ft.perLevelPair}</caption><thead><tr><th scope="col">${t.common.from}</th><th scope="col">${t.common.to}</th><th scope="col">${t.common.messages}</th></tr></thead>
<tbody>${stats.levelPairs.map((p) => html`<tr><td>${levelName(t, p.from)}</td><td>${levelName(t, p.to)}</td><td>${count(p.count, t)}</td></tr>`)}</tbody></table>
<table><caption>${ft.perOrg}</caption><thead><tr><th scope="col">${t.notices.recipient}</th><th scope="col">n</th><th scope="col">p50</th><th scope="col">p95</th></tr></thead>
<tbody>${stats.ackLatencyByOrg.map((l) => html`<tr><td>${l.org}</td><td>${count(l.n, t)}</td><td>${duration(l.p50, t)}</td><td>${duration(l.p95, t)}</td></tr>`)}</tbody></table>
</div>
<table><caption>${ft.perOrgPair}</caption><thead><tr><th scope="col">${t.common.from}</th><th scope="col">${t.common.to}</th><th scope="col">${t.common.messages}</th></tr></thead>
<tbody>${stats.orgPairs.slice(0, 200).map((p) => html`<tr><td>${p.from}</td><td>${p.to}</td><td>${count(p.count, t)}</td></tr>`)}</tbody></table>
</details>`;
}
