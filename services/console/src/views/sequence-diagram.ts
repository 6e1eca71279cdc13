/**
 * A trace as an SVG sequence diagram: swim lanes for the levels (local, Flemish, federal, and
 * supralocal or "everyone" when involved), one lifeline per organisation inside its lane, one
 * arrow per message in storage order with its timing, and a red dashed arrow for every
 * acknowledgement a notice asked for and did not get. Drawn on the server: no script needed.
 */
import { html } from "hono/html";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { TraceView } from "../model/trace.ts";
import type { Messages } from "../i18n/messages.ts";
import { clock, duration, levelName, type Html } from "./format.ts";

const COL = 150;
const LANE_PAD = 14;
const TOP = 78;
const ROW = 56;
const LEFT = 12;

/** A diagram taller than this many arrows stops being readable; the table below lists every step. */
export const MAX_DRAWN_STEPS = 300;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s);

/** The SVG of a trace (the caller puts it in a scrollable figure). */
export function sequenceDiagram(full: TraceView, directory: KeyDirectory, t: Messages): Html {
  const tt = t.traces;
  const view = full.steps.length > MAX_DRAWN_STEPS ? { ...full, steps: full.steps.slice(0, MAX_DRAWN_STEPS) } : full;
  const x = new Map<string, number>();
  const lanes: { level: string; x: number; width: number; participants: string[] }[] = [];
  let cursor = LEFT;
  for (const lane of view.lanes) {
    const width = Math.max(1, lane.participants.length) * COL + LANE_PAD * 2;
    lane.participants.forEach((p, i) => x.set(`${lane.level}/${p}`, cursor + LANE_PAD + i * COL + COL / 2));
    lanes.push({ level: lane.level, x: cursor, width, participants: lane.participants });
    cursor += width + 8;
  }
  // Room on the right for the labels of arrows that end in the last lane.
  const width = Math.max(cursor + 260, 880);
  const rows = view.steps.length + view.missing.length;
  const height = TOP + rows * ROW + 30;
  const col = (level: string, who: string) => x.get(`${level}/${who}`) ?? LEFT;

  const arrow = (x1: number, x2: number, y: number, cls: string): Html => {
    if (Math.abs(x1 - x2) < 1) {
      return html`<path class="${cls}" d="M ${x1} ${y - 8} h 36 v 16 h -30" marker-end="url(#head-${cls})"/>`;
    }
    return html`<line class="${cls}" x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -4 : 4)}" y2="${y}" marker-end="url(#head-${cls})"/>`;
  };

  const steps = view.steps.map((s, i) => {
    const r = s.record;
    const y = TOP + i * ROW + ROW / 2;
    const x1 = col(r.senderLevel, r.sender);
    const x2 = col(r.audienceLevel, r.audience);
    const labelX = Math.min(x1, x2) + 6;
    const room = Math.max(24, Math.floor((width - labelX - 12) / 6.6));
    const timing = `+${duration(s.atMs, t)}${s.sinceCauseMs !== undefined ? ` · ${tt.afterCause(duration(s.sinceCauseMs, t))}` : ""}`;
    return html`<g class="step" id="m-${r.id}" data-type="${r.type}">
<title>${r.type}: ${r.sender} → ${r.audience}: ${r.summary} (${timing})</title>
<text class="label" x="${labelX}" y="${y - 10}">${clip(`${r.type} — ${r.summary}`, room)}</text>
${arrow(x1, x2, y, r.type === "escalation.raised" ? "esc" : "msg")}
<text class="timing" x="${labelX}" y="${y + 16}">${clip(timing, room)}</text>
</g>`;
  });

  const missing = view.missing.map((m, i) => {
    const y = TOP + (view.steps.length + i) * ROW + ROW / 2;
    const notice = view.steps.find((s) => s.record.type === "notice.posted" && s.record.reference === m.noticeId)?.record;
    const x1 = col(m.lane, m.org);
    const x2 = notice ? col(notice.senderLevel, notice.sender) : x1;
    const labelX = Math.min(x1, x2) + 6;
    const deadline = m.deadline ? clock(Date.parse(m.deadline), t) : undefined;
    const state = m.overdue ? `${tt.overdueSince} ${deadline}` : deadline ? `${tt.due} ${deadline}` : tt.noDeadline;
    return html`<g class="missing" data-org="${m.org}">
<title>${tt.noAckFrom} ${m.org}: “${m.title}” (${state}${m.escalated ? `, ${t.common.escalated}` : ""})</title>
<text class="label bad" x="${labelX}" y="${y - 10}">✗ ${tt.noAckFrom} ${m.org}</text>
${arrow(x1, x2, y, "miss")}
<text class="timing bad" x="${labelX}" y="${y + 16}">${state}${m.escalated ? ` · ${t.common.escalated}` : ""}</text>
</g>`;
  });

  return html`<svg class="sequence" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="seq-title seq-desc">
<title id="seq-title">${tt.seqTitle(view.traceId)}</title>
<desc id="seq-desc">${tt.seqDesc(view.steps.length, view.lanes.length, view.missing.length)}</desc>
<defs>${["msg", "esc", "miss"].map((c) => html`<marker id="head-${c}" class="head-${c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker>`)}</defs>
${lanes.map((l) => html`<g class="lane lane-${l.level}" data-lane="${l.level}">
<rect x="${l.x}" y="4" width="${l.width}" height="${height - 8}" rx="6"/>
<text class="lane-name" x="${l.x + 10}" y="24">${levelName(t, l.level)}</text>
${l.participants.length === 0 ? html`<text class="lane-empty" x="${l.x + 10}" y="${TOP}">${tt.notInvolved}</text>` : ""}
${l.participants.map((p) => {
    const px = col(l.level, p);
    return html`<text class="who" x="${px}" y="52" text-anchor="middle">${clip(p, 20)}<title>${directory.organisation(p)?.name ?? t.common.everyOrgOf(levelName(t, p))}</title></text>
<line class="lifeline" x1="${px}" y1="60" x2="${px}" y2="${height - 12}"/>`;
  })}
</g>`)}
${steps}
${missing}
</svg>`;
}
