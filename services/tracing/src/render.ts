/**
 * The flow of a trace as text for an 80-column terminal: one row per message with an arrow from
 * the sender's lane to the audience's lane (local / Flemish / federal, plus supralocal when it
 * takes part), its offset from the start, the row it answers and how long after; then the
 * obligations (who acknowledged, who did not, who was escalated) and the escalations. A step a
 * person took gets a line below it naming them (their name where `persons` resolves the
 * pseudonym, else the pseudonym) and their role; a step without one was the sender's service.
 */
import { actedByOf, actedByText, type PersonIndex } from "@schakel/contracts/bus";
import type { Flow, FlowMessage, Obligation } from "./flow.ts";

/** Colours (identity functions by default; the CLI passes picocolors, which honours NO_COLOR). */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s };
export const WIDTH = 80;
const LANE_ORDER = ["local", "supralocal", "flemish", "federal"];

/** Visible width of a line (ANSI colour codes removed). */
export const visibleWidth = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, "").length;
const fit = (s: string, w: number): string => (s.length <= w ? s : s.slice(0, Math.max(0, w - 1)) + "…");
const pad = (s: string, w: number): string => fit(s, w).padEnd(w);

/** 118 ms, 1.20 s, 2m03s, 1h02m, 3d04h. */
export function duration(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1_000) return `${Math.round(ms)} ms`;
  if (a < 60_000) return `${(ms / 1_000).toFixed(2)} s`;
  const s = Math.round(a / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3_600)).padStart(2, "0")}h`;
}

/** Offset column: +0.118s, +12.34s, +2m03s, +1h02m (at most 8 characters). */
function offset(ms: number): string {
  if (ms < 10_000) return `+${(ms / 1_000).toFixed(3)}s`;
  if (ms < 60_000) return `+${(ms / 1_000).toFixed(2)}s`;
  return `+${duration(ms)}`;
}

const when = (iso: string): string => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");

/** The lane cells of one row: an arrow from the sender's lane to the audience's lane. */
function laneCells(m: FlowMessage, lanes: string[], w: number): string {
  const s = lanes.indexOf(m.senderLevel);
  const r = lanes.indexOf(m.audienceLevel);
  const { sender, audience } = m.entry;
  const cells = lanes.map(() => " ".repeat(w));
  if (s < 0) return cells.join("");
  if (r < 0) {
    // A broadcast (to all): the sender's lane only, the others dotted.
    return lanes.map((_, i) => (i === s ? pad(sender, w) : "┄".repeat(w))).join("");
  }
  if (r === s) {
    cells[s] = pad(sender === audience ? sender : `${sender}→${audience}`, w);
    return cells.join("");
  }
  const name = (n: string) => fit(n, w - 2);
  for (let i = Math.min(s, r); i <= Math.max(s, r); i++) cells[i] = "─".repeat(w);
  if (s < r) {
    cells[s] = (name(sender) + " ").padEnd(w, "─");
    cells[r] = ("▶" + name(audience)).padStart(w, "─");
  } else {
    cells[r] = (name(audience) + "◀").padEnd(w, "─");
    cells[s] = (" " + name(sender)).padStart(w, "─");
  }
  return cells.join("");
}

/** The line under a step a person took: "by An Peeters (livc-member)", or the pseudonym where `persons` cannot resolve it. */
function actedByLine(m: FlowMessage, persons: PersonIndex | undefined, width: number, st: Style): string[] {
  const by = actedByOf({ actor: m.entry.actor?.pseudonym, actorrole: m.entry.actor?.role }, persons);
  return by.kind === "person" ? [st.dim(fit(`${" ".repeat(13)}by ${m.entry.sender}'s ${actedByText(by)}`, width))] : [];
}

function row(m: FlowMessage, lanes: string[], w: number, msgWidth: number, st: Style): string {
  const cause = m.causedBy ? ` ↳${m.causedBy} +${duration(m.afterCauseMs ?? 0)}` : "";
  const to = lanes.includes(m.audienceLevel) ? "" : ` → ${m.entry.audience}`;
  const text = fit(`${m.entry.type}${to}${cause}`, msgWidth);
  const colour = m.entry.type === "escalation.raised" ? (s: string) => st.bold(st.red(s)) : m.entry.type === "notice.acknowledged" ? st.green : (s: string) => s;
  return `${String(m.n).padStart(3)} ${offset(m.offsetMs).padStart(8)} ${laneCells(m, lanes, w)} ${colour(text)}`;
}

function obligationLine(o: Obligation, st: Style): string {
  const who = pad(o.owedBy, 11);
  const got = o.kind === "acknowledgement" ? "acknowledged" : "responded";
  const delivered = o.kind === "acknowledgement" ? (o.delivered ? `delivered +${duration(o.delivered.latencyMs)}` : "not delivered") : "";
  const outcome = o.fulfilled
    ? st.green(`${got} +${duration(o.fulfilled.latencyMs)} (#${o.fulfilled.n})`)
    : o.escalated !== undefined
      ? st.bold(st.red(fit(`MISSING, escalated (#${o.escalated})`, 36)))
      : o.state === "overdue"
        ? st.bold(st.red("MISSING, overdue"))
        : st.yellow("pending");
  return `  ${who} ${pad(delivered, 22)} ${outcome}`;
}

/** Renders a flow; every line fits in `width` columns (default 80). */
export function renderFlow(flow: Flow, opts: { style?: Style; via?: string; dropped?: number; behind?: number; width?: number; persons?: PersonIndex } = {}): string {
  const st = opts.style ?? plain;
  const width = opts.width ?? WIDTH;
  const lanes = LANE_ORDER.filter((l) => l !== "supralocal" || flow.levels.includes(l));
  const w = lanes.length > 3 ? 10 : 12;
  const msgWidth = width - 14 - lanes.length * w;
  const missing = flow.obligations.filter((o) => !o.fulfilled && (o.escalated !== undefined || o.state === "overdue")).length;
  const title = flow.messages.find((m) => m.entry.facts?.title)?.entry.facts?.title;
  const summary = [
    `${flow.messages.length} message${flow.messages.length === 1 ? "" : "s"} over ${duration(flow.durationMs)}`,
    ...(missing ? [st.bold(st.red(`${missing} missing`))] : []),
    ...(flow.escalations.length ? [st.red(`${flow.escalations.length} escalation${flow.escalations.length === 1 ? "" : "s"}`)] : []),
  ];
  const lines = [
    st.bold(`trace ${flow.traceId}`) + (opts.via && opts.via !== "trace" ? st.dim(` (found by ${opts.via} id)`) : ""),
    ...(title ? [fit(`"${title}"`, width)] : []),
    summary.join(" · "),
    st.dim(`started ${when(flow.startedAt)}; times are the broker's storage times`),
    ...(opts.behind ? [st.yellow(`the index is ${opts.behind} message(s) behind: this trace may be incomplete`)] : []),
    ...(opts.dropped ? [st.yellow(`${opts.dropped} more message(s) of this trace are not listed (index bound)`)] : []),
    "",
    st.dim(`${"#".padStart(3)} ${"offset".padStart(8)} ${lanes.map((l) => pad(l, w)).join("")} message`),
    ...flow.messages.flatMap((m) => [row(m, lanes, w, msgWidth, st), ...actedByLine(m, opts.persons, width, st)]),
  ];
  for (const kind of ["acknowledgement", "response"] as const) {
    const owed = flow.obligations.filter((o) => o.kind === kind);
    const refs = [...new Set(owed.map((o) => o.reference))];
    for (const ref of refs) {
      const these = owed.filter((o) => o.reference === ref);
      const due = these[0]?.deadline ? `, due ${when(these[0].deadline)}` : "";
      lines.push("", st.bold(fit(`${kind}s for ${kind === "acknowledgement" ? "notice" : "request"} ${ref.slice(0, 8)} (#${these[0]!.source})${due}`, width)));
      lines.push(...these.map((o) => obligationLine(o, st)));
    }
  }
  if (flow.escalations.length) {
    lines.push("", st.bold("escalations"));
    for (const n of flow.escalations) {
      const e = flow.messages[n - 1]!.entry;
      const o = e.facts?.obligation;
      const to = o && o.owedTo !== e.audience ? ` to ${o.owedTo}` : "";
      const what = o ? `${o.kind} owed by ${o.owedBy}${to}, due ${when(o.deadline)}` : "an obligation missed its deadline";
      lines.push(st.red(fit(`  #${n} ${e.sender} → ${e.audience}: ${what}`, width)));
    }
  }
  return lines.join("\n");
}
