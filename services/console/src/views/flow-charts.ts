/**
 * Charts of the flow map, drawn as SVG on the server: a flow diagram of who informs whom between
 * the levels (band width = number of messages), bars for the busiest organisation pairs, and
 * acknowledgement latency (p50 and p95) per receiving level and organisation.
 */
import { html } from "hono/html";
import type { Latency, PairCount } from "../model/flows.ts";
import type { LaneLevel } from "../model/record.ts";
import type { Messages } from "../i18n/messages.ts";
import { count, duration, levelName, type Html } from "./format.ts";

const ORDER: LaneLevel[] = ["local", "flemish", "federal", "supralocal", "all"];

/** Level → level flow diagram. */
export function levelFlowChart(pairs: PairCount[], t: Messages, opts: { width?: number; height?: number } = {}): Html {
  const width = opts.width ?? 640;
  const height = opts.height ?? 280;
  const total = pairs.reduce((s, p) => s + p.count, 0);
  if (total === 0) return html`<p class="empty">${t.flows.noMessages}</p>`;
  const gap = 14;
  const left = ORDER.filter((l) => pairs.some((p) => p.from === l));
  const right = ORDER.filter((l) => pairs.some((p) => p.to === l));
  const scale = (height - 40 - gap * Math.max(left.length, right.length)) / total;
  const nodeW = 14;
  // Room for "Supralocal 12,345" on the left and "Everyone 12,345" on the right.
  const xL = 140;
  const xR = width - 150;
  const place = (levels: LaneLevel[], side: "from" | "to") => {
    const pos = new Map<string, { y: number; h: number; next: number; n: number }>();
    let y = 20;
    for (const l of levels) {
      const n = pairs.filter((p) => p[side] === l).reduce((s, p) => s + p.count, 0);
      const h = Math.max(2, n * scale);
      pos.set(l, { y, h, next: y, n });
      y += h + gap;
    }
    return pos;
  };
  const L = place(left, "from");
  const R = place(right, "to");
  const ordered = [...pairs].sort((a, b) => ORDER.indexOf(a.from as LaneLevel) - ORDER.indexOf(b.from as LaneLevel) || ORDER.indexOf(a.to as LaneLevel) - ORDER.indexOf(b.to as LaneLevel));
  const bands = ordered.map((p) => {
    const a = L.get(p.from)!;
    const b = R.get(p.to)!;
    const h = Math.max(1, p.count * scale);
    const y0 = a.next;
    const y1 = b.next;
    a.next += h;
    b.next += h;
    const x0 = xL + nodeW;
    const x1 = xR;
    const mid = (x0 + x1) / 2;
    const d = `M ${x0} ${y0} C ${mid} ${y0}, ${mid} ${y1}, ${x1} ${y1} L ${x1} ${y1 + h} C ${mid} ${y1 + h}, ${mid} ${y0 + h}, ${x0} ${y0 + h} Z`;
    return html`<path class="band lvl-${p.from}" d="${d}" data-from="${p.from}" data-to="${p.to}"><title>${levelName(t, p.from)} → ${levelName(t, p.to)}: ${count(p.count, t)} ${t.common.messages.toLowerCase()}</title></path>
${h >= 12 ? html`<text class="band-count" x="${x0 + 6}" y="${y0 + h / 2 + 4}">${count(p.count, t)}</text>` : ""}`;
  });
  const nodes = (pos: Map<string, { y: number; h: number; n: number }>, x: number, anchor: "end" | "start") =>
    [...pos].map(([l, n]) => html`<rect class="node lvl-${l}" x="${x}" y="${n.y}" width="${nodeW}" height="${n.h}"/>
<text class="node-name" x="${anchor === "end" ? x - 8 : x + nodeW + 8}" y="${n.y + n.h / 2 + 4}" text-anchor="${anchor}">${levelName(t, l)} <tspan class="muted">${count(n.n, t)}</tspan></text>`);
  return html`<svg class="flowchart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Messages from each level (left) to each level (right); ${count(total, t)} in all">
<text class="axis" x="${xL + nodeW}" y="12" text-anchor="end">${t.common.from.toLowerCase()}</text><text class="axis" x="${xR}" y="12">${t.common.to.toLowerCase()}</text>
${bands}${nodes(L, xL, "end")}${nodes(R, xR, "start")}
</svg>`;
}

/** Horizontal bars for the busiest sender → audience pairs. */
export function pairBars(pairs: PairCount[], t: Messages, limit = 15): Html {
  const top = pairs.slice(0, limit);
  if (top.length === 0) return html`<p class="empty">${t.flows.noMessages}</p>`;
  const max = top[0]!.count;
  const rowH = 24;
  const width = 640;
  const labelW = 220;
  const height = top.length * rowH + 8;
  return html`<svg class="bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="The ${top.length} busiest pairs of sender and audience">
${top.map((p, i) => {
    const w = Math.max(2, ((width - labelW - 60) * p.count) / max);
    const y = 4 + i * rowH;
    return html`<text class="bar-label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${p.from} → ${p.to}</text>
<rect class="bar" x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}"><title>${p.from} → ${p.to}: ${count(p.count, t)}</title></rect>
<text class="bar-value" x="${labelW + w + 6}" y="${y + 15}">${count(p.count, t)}</text>`;
  })}
</svg>`;
}

/** p50 (dark) and p95 (light) bars per row, on one linear scale. */
export function latencyBars(rows: (Latency & { label: string })[], t: Messages): Html {
  const measured = rows.filter((r) => r.n > 0);
  if (measured.length === 0) return html`<p class="empty">${t.flows.noAcks}</p>`;
  const max = Math.max(...measured.map((r) => r.p95 ?? 0), 1);
  const rowH = 34;
  const width = 720;
  const labelW = 130;
  const span = width - labelW - 290;
  const height = measured.length * rowH + 24;
  return html`<svg class="bars latency" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Acknowledgement latency, p50 and p95">
<g class="legend"><rect class="p95" x="${labelW}" y="2" width="12" height="10"/><text x="${labelW + 16}" y="11">p95</text><rect class="p50" x="${labelW + 60}" y="2" width="12" height="10"/><text x="${labelW + 76}" y="11">p50</text></g>
${measured.map((r, i) => {
    const y = 20 + i * rowH;
    const w95 = Math.max(2, (span * (r.p95 ?? 0)) / max);
    const w50 = Math.max(2, (span * (r.p50 ?? 0)) / max);
    return html`<text class="bar-label" x="${labelW - 8}" y="${y + 17}" text-anchor="end">${r.label}</text>
<rect class="p95" x="${labelW}" y="${y + 4}" width="${w95}" height="20"><title>${r.label}: p95 ${duration(r.p95, t)}</title></rect>
<rect class="p50" x="${labelW}" y="${y + 8}" width="${w50}" height="12"><title>${r.label}: p50 ${duration(r.p50, t)}</title></rect>
<text class="bar-value" x="${labelW + w95 + 6}" y="${y + 17}">p50 ${duration(r.p50, t)} · p95 ${duration(r.p95, t)} · n=${count(r.n, t)}</text>`;
  })}
</svg>`;
}
