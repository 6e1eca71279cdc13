/**
 * The platform coordinator's triage pages: the queue (state filter, proposal, last decision), one
 * signal with its decisions and the decision form, and the picture of polarisation and tension as
 * server-rendered SVG bar charts (metadata only).
 */
import { html } from "hono/html";
import { TRIAGE_DECISIONS } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { SignalStats, TriageItem } from "@schakel/platform";
import type { Messages } from "../i18n/messages.ts";
import { publishFailure } from "./form-fields.ts";
import { count, orgChip, time, type Html } from "./format.ts";
import { term } from "./glossary-term.ts";

const STATES = ["open", "forwarded", "monitoring", "awaiting-information", "closed"] as const;
const stateClass = (s: string) => (s === "open" ? "st-open" : s === "closed" ? "st-informational" : s === "forwarded" ? "st-complete" : "st-escalated");

const stateBadge = (t: Messages, s: string): Html => html`<span class="status ${stateClass(s)}" data-state="${s}">${t.triage.states[s] ?? s}</span>`;

/** The triage queue. */
export function triageQueuePage(items: TriageItem[], state: string | undefined, directory: KeyDirectory, t: Messages): Html {
  const tr = t.triage;
  return html`<p class="meta">${tr.intro} <a href="/signals/stats">${tr.toStats}</a></p>
<form method="get" action="/signals" class="filter"><label for="state">${tr.filter}</label>
<select id="state" name="state"><option value="all"${state === "all" ? html` selected` : ""}>${tr.all}</option>
${STATES.map((s) => html`<option value="${s}"${s === (state ?? "open") ? html` selected` : ""}>${tr.states[s]}</option>`)}</select>
<button type="submit">${tr.apply}</button></form>
<table class="triage" aria-label="${tr.tableLabel}">
<thead><tr><th scope="col">${tr.cols.state}</th><th scope="col">${tr.cols.raised}</th><th scope="col">${tr.cols.by}</th><th scope="col">${tr.cols.what}</th><th scope="col">${tr.cols.proposal}</th><th scope="col">${tr.cols.decision}</th></tr></thead>
<tbody>${items.map((i) => {
    const last = i.decisions.at(-1);
    return html`<tr data-signal="${i.signalId}">
<td>${stateBadge(t, i.state)}</td>
<td class="when">${time(i.raisedAt, t)}</td>
<td>${orgChip(t, directory, i.raisedBy)}</td>
<td><a href="/signals/${i.signalId}">${i.title}</a> <span class="tag">${term("signal-kind", i.kind, t.tag)}</span> <span class="tag">${i.severity}</span></td>
<td>${i.proposal ? html`${tr.decisions[i.proposal.decision] ?? i.proposal.decision}${i.proposal.partner ? html` → ${orgChip(t, directory, i.proposal.partner)}` : ""}` : t.common.none}</td>
<td>${last ? html`${tr.decisions[last.decision] ?? last.decision}${last.partner ? html` → ${orgChip(t, directory, last.partner)}` : ""}` : t.common.none}</td>
</tr>`;
  })}</tbody></table>
${items.length === 0 ? html`<p class="empty">${tr.none}</p>` : ""}`;
}

export interface TriageItemView {
  item: TriageItem;
  partners: readonly string[];
  csrf: string;
  decided?: boolean;
  error?: string;
  values?: { decision?: string; reason?: string; partner?: string };
}

/** One signal: what was observed, the proposal, the decisions and the decision form. */
export function triageItemPage(v: TriageItemView, directory: KeyDirectory, t: Messages): Html {
  const { item: i } = v;
  const tr = t.triage;
  const proposal = i.proposal;
  return html`<p><a href="/signals">${tr.toQueue}</a></p>
${v.decided ? html`<p class="notice-ok" role="status">${tr.decided}</p>` : ""}
${publishFailure(tr.notDecided, v.error)}
<p>${stateBadge(t, i.state)} <span class="tag">${term("signal-kind", i.kind, t.tag)}</span> <span class="tag">${i.severity}</span> ${orgChip(t, directory, i.raisedBy)} ${time(i.raisedAt, t)}</p>
${i.description ? html`<p class="body">${i.description}</p>` : ""}
${i.extremismForms?.length ? html`<p class="meta">${i.extremismForms.map((f) => html`<span class="tag">${term("extremism-form", f, t.tag)}</span>`)}</p>` : ""}
${proposal ? html`<p class="meta" data-proposal="${proposal.decision}">${tr.proposedBy(proposal.rule)}: <strong>${tr.decisions[proposal.decision] ?? proposal.decision}</strong>${proposal.partner ? html` → ${orgChip(t, directory, proposal.partner)}` : ""} — ${proposal.reason}</p>` : ""}
<ol class="decisions">${i.decisions.map((d) => html`<li data-decision="${d.decision}">${time(d.decidedAt, t)} <strong>${tr.decisions[d.decision] ?? d.decision}</strong>${d.partner ? html` → ${orgChip(t, directory, d.partner)} (${time(d.reportBackBy, t)})` : ""}${d.actor ? ` ${tr.decidedBy(d.actor.role)}` : ""} — ${d.reason}</li>`)}</ol>
${(i.information ?? []).map((x) => html`<p data-information="${x.decisionId}">${tr.informationFrom(i.raisedBy)}, ${time(x.at, t)}${x.actor ? ` (${x.actor.role})` : ""}: ${x.information}</p>`)}
${i.acknowledgement ? html`<p>${tr.acknowledged(i.acknowledgement.by)}, ${time(i.acknowledgement.at, t)}</p>` : ""}
${i.reportBack ? html`<p>${tr.reportedBack(i.reportBack.by)}, ${time(i.reportBack.at, t)}: ${i.reportBack.outcome}</p>` : ""}
${i.state === "closed" ? html`<p class="meta">${tr.closedNote}</p>` : html`<h2 id="decide-h">${tr.decide}</h2>
<form class="post triage" method="post" action="/signals/${i.signalId}/triage" aria-labelledby="decide-h">
<input type="hidden" name="_csrf" value="${v.csrf}">
<div class="field"><label for="t-decision">${tr.labels.decision}</label>
<select id="t-decision" name="decision">${TRIAGE_DECISIONS.map((d) => html`<option value="${d}"${d === (v.values?.decision ?? proposal?.decision) ? html` selected` : ""}>${tr.decisions[d]}</option>`)}</select></div>
<div class="field"><label for="t-partner">${tr.labels.partner}</label>
<select id="t-partner" name="partner"><option value="">${t.common.none}</option>${v.partners.map((p) => html`<option value="${p}"${p === (v.values?.partner ?? proposal?.partner) ? html` selected` : ""}>${p}</option>`)}</select></div>
<div class="row">
<div class="field"><label for="t-ack">${tr.labels.acknowledgeDays}</label><input id="t-ack" name="acknowledgeDays" type="number" min="1" max="60" value="2"></div>
<div class="field"><label for="t-report">${tr.labels.reportBackDays}</label><input id="t-report" name="reportBackDays" type="number" min="1" max="365" value="14"></div>
</div>
<div class="field"><label for="t-reason">${tr.labels.reason}</label>
<textarea id="t-reason" name="reason" rows="3" required>${v.values?.reason ?? ""}</textarea></div>
<div class="actions"><button type="submit">${tr.submit}</button></div>
</form>`}`;
}

/** Horizontal bars, one per key, largest first (at most `limit`). */
export function statBars(label: string, counts: Record<string, number>, t: Messages, opts: { inKeyOrder?: boolean; limit?: number } = {}): Html {
  const all = Object.entries(counts);
  const rows = (opts.inKeyOrder ? all.sort((a, b) => a[0].localeCompare(b[0])) : all.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))).slice(0, opts.limit ?? 24);
  const max = Math.max(...rows.map((r) => r[1]));
  if (rows.length === 0) return html`<p class="empty">${t.triage.none}</p>`;
  const rowH = 24;
  const width = 640;
  const labelW = 180;
  const height = rows.length * rowH + 8;
  return html`<svg class="bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${t.triage.chartLabel(label)}">
${rows.map(([k, n], i) => {
    const w = Math.max(2, ((width - labelW - 60) * n) / max);
    const y = 4 + i * rowH;
    return html`<text class="bar-label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${k}</text>
<rect class="bar" x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" data-key="${k}" data-count="${n}"><title>${k}: ${count(n, t)}</title></rect>
<text class="bar-value" x="${labelW + w + 6}" y="${y + 15}">${count(n, t)}</text>`;
  })}
</svg>`;
}

/** The picture of polarisation and tension. */
export function signalStatsPage(stats: SignalStats, t: Messages): Html {
  const tr = t.triage;
  const section = (id: string, title: string, counts: Record<string, number>, inKeyOrder = false) =>
    html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${statBars(title, counts, t, { inKeyOrder })}</section>`;
  return html`<p class="meta">${tr.statsIntro} <a href="/signals">${tr.toQueue}</a> · <a href="/api/signals/stats">JSON</a></p>
<p data-total="${stats.total}">${tr.total(count(stats.total, t))}</p>
${section("per-month", tr.per.month, stats.byMonth, true)}${section("per-province", tr.per.province, stats.byProvince)}${section("per-municipality", tr.per.municipality, stats.byMunicipality)}
${section("per-kind", tr.per.kind, stats.byKind)}${section("per-form", tr.per.form, stats.byForm)}`;
}
