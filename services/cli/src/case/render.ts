/**
 * Cases for people: the metadata of `case list` (never content) and what `case show` opened.
 * Content comes from other organisations and is shown through `safeText`.
 */
import type { Actor } from "@schakel/contracts";
import type { CaseFile, OpenedCase, OpenedConsultation, OpenedText } from "@schakel/organisation";
import { color } from "../output.ts";
import { safeText } from "../safe-text.ts";

/** " by <person> (<role>)" when a signed-in person acted. */
export const by = (actor: Actor | null): string => (actor ? ` by ${actor.person} (${actor.role})` : "");

/** One case as `case list` shows it: metadata only. */
export interface CaseRow {
  caseRef: string;
  livc: string;
  compositionVersion: number;
  participants: string[];
  openedAt: string;
  planVersion: number | null;
  tasks: { taskId: string; owner: string; dueBy: string; reportedAt: string | null }[];
  closed: { reason: string; at: string } | null;
  transferred: { to: string; at: string } | null;
  erased: { reason: string; at: string } | null;
}

export const caseRowOf = (c: CaseFile): CaseRow => ({
  caseRef: c.caseRef, livc: c.livc, compositionVersion: c.compositionVersion, participants: c.participants, openedAt: c.openedAt,
  planVersion: c.plan?.planVersion ?? null,
  tasks: (c.plan?.tasks ?? []).map((t) => ({ taskId: t.taskId, owner: t.owner, dueBy: t.dueBy, reportedAt: t.reported?.at ?? null })),
  closed: c.closed ? { reason: c.closed.reason, at: c.closed.at } : null,
  transferred: c.transferred ? { to: c.transferred.to, at: c.transferred.at } : null,
  erased: c.erased ? { reason: c.erased.reason, at: c.erased.at } : null,
});

const stateOf = (r: CaseRow): string =>
  r.erased ? color.dim(`erased (${r.erased.reason}) at ${r.erased.at}`) : r.transferred ? color.dim(`handed over to ${r.transferred.to} at ${r.transferred.at}`)
    : r.closed ? color.dim(`closed (${r.closed.reason}) at ${r.closed.at}`) : color.green("open");

function taskLine(t: { taskId: string; owner: string; dueBy: string; reportedAt: string | null }, now: number): string {
  const state = t.reportedAt ? color.green(`reported ${t.reportedAt}`) : Date.parse(t.dueBy) < now ? color.red("overdue") : color.yellow("open");
  return `  task ${t.taskId} ${t.owner} due ${t.dueBy} — ${state}`;
}

export function renderCaseRows(rows: CaseRow[], org: string, now = Date.now()): string {
  if (!rows.length) return color.dim(`no cases known to ${org}`);
  return rows.map((r) => [
    `${color.bold(r.caseRef)} LIVC-R ${r.livc} (v${r.compositionVersion}) opened ${r.openedAt} — ${stateOf(r)}`,
    `  participants: ${r.participants.join(", ")}`,
    ...r.tasks.map((t) => taskLine(t, now)),
  ].join("\n")).join("\n");
}

/** An opened text: as written, or as last corrected (`correctedAt`); null when it is sealed to others. */
export type ShownText = { text: string; correctedAt: string | null } | null;

/** What `case show` prints: the case, its plan and the consultations the organisation is party to. */
export interface ShownCase {
  case: CaseRow;
  summary: ShownText;
  tasks: { taskId: string; owner: string; dueBy: string; task: ShownText; report: { at: string; text: ShownText } | null }[];
  consultations: OpenedConsultation[];
}

const shownText = (t: OpenedText | undefined): ShownText => (t ? { text: t.text, correctedAt: t.correctedAt ?? null } : null);

export const shownCaseOf = (opened: OpenedCase, consultations: OpenedConsultation[]): ShownCase => ({
  case: caseRowOf(opened.file),
  summary: shownText(opened.summary),
  tasks: opened.tasks.map((t) => ({
    taskId: t.taskId, owner: t.owner, dueBy: t.dueBy, task: shownText(t.task), report: t.report ? { at: t.report.at, text: shownText(t.report.text) } : null,
  })),
  consultations,
});

const sealedToOthers = color.dim("(sealed to others)");
const text = (t: string | null | undefined): string => (t === null || t === undefined ? sealedToOthers : safeText(t));
const opened = (t: ShownText): string => (t ? `${safeText(t.text)}${t.correctedAt ? color.dim(` (corrected ${t.correctedAt})`) : ""}` : sealedToOthers);

export function renderShownCase(s: ShownCase): string {
  const r = s.case;
  const lines = [
    `${color.bold(r.caseRef)} LIVC-R ${r.livc} (v${r.compositionVersion}) opened ${r.openedAt} — ${stateOf(r)}`,
    `participants: ${r.participants.join(", ")}`,
    `summary: ${opened(s.summary)}`,
  ];
  if (s.tasks.length) lines.push(`plan v${r.planVersion}:`);
  for (const t of s.tasks) {
    lines.push(`  task ${t.taskId} for ${t.owner}, due ${t.dueBy}: ${opened(t.task)}`);
    if (t.report) lines.push(`    reported ${t.report.at}: ${opened(t.report.text)}`);
  }
  for (const c of s.consultations) {
    const head = c.direction === "outgoing" ? `asked ${c.recipients.join(", ")}` : `asked by ${c.from}`;
    lines.push(`consultation ${c.consultationId} (${head}): ${text(c.content.question)}`);
    for (const a of c.answers) lines.push(`  answer from ${a.from} at ${a.at}: ${text(a.content.answer)}`);
  }
  return lines.join("\n");
}
