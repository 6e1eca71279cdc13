/**
 * A case's metadata as the case pages and their JSON routes show it — reference, LIVC-R,
 * participants, opened, the plan's tasks (owner, deadline, reported or overdue), closed, handed
 * over, erased — and nothing sealed. A participant's row comes from its own case file; the
 * platform coordinator's from the case messages the platform's read model holds (the platform
 * takes part in no case: it sees who, when and which state, never a task's deadline or content).
 */
import type { CaseFile } from "@schakel/organisation";
import type { FlowRecord } from "../model/record.ts";
import type { ShownRecord } from "../audit/read-log.ts";

export type TaskState = "reported" | "overdue" | "open";

export interface CaseTaskRow {
  taskId?: string;
  owner: string;
  dueBy?: string;
  reportedAt?: string;
  state: TaskState;
}

export interface CaseRow {
  caseRef: string;
  livc: string;
  compositionVersion?: number;
  participants: string[];
  openedAt?: string;
  tasks: CaseTaskRow[];
  closed?: { at: string; reason?: string };
  transferred?: { to: string; at: string };
  erased?: { at: string; reason?: string };
}

/** A task's state at `now`: reported, overdue (past its deadline on a case still open), or open. */
export function taskState(t: { dueBy?: string; reportedAt?: string }, caseEnded: boolean, now: number): TaskState {
  if (t.reportedAt) return "reported";
  return !caseEnded && t.dueBy !== undefined && Date.parse(t.dueBy) < now ? "overdue" : "open";
}

/** A participant's row, from its case file. */
export function caseRowOf(file: CaseFile, now = Date.now()): CaseRow {
  const ended = Boolean(file.closed ?? file.erased);
  return {
    caseRef: file.caseRef, livc: file.livc, compositionVersion: file.compositionVersion, participants: file.participants, openedAt: file.openedAt,
    tasks: (file.plan?.tasks ?? []).map((t) => {
      const reportedAt = t.reported?.at;
      return { taskId: t.taskId, owner: t.owner, dueBy: t.dueBy, ...(reportedAt ? { reportedAt } : {}), state: taskState({ dueBy: t.dueBy, ...(reportedAt ? { reportedAt } : {}) }, ended, now) };
    }),
    ...(file.closed ? { closed: { at: file.closed.at, reason: file.closed.reason } } : {}),
    ...(file.transferred ? { transferred: { to: file.transferred.to, at: file.transferred.at } } : {}),
    ...(file.erased ? { erased: { at: file.erased.at, reason: file.erased.reason } } : {}),
  };
}

/** What the read audit names for a participant's row: the case's opening message. */
export const shownFile = (file: CaseFile): ShownRecord => ({ id: file.opened.id, caseRef: file.caseRef });

/** Types that make a case's life (consultations alone do not: they may name a case opened elsewhere). */
const LIFECYCLE = new Set(["case.opened", "case.plan.set", "case.task.reported", "case.closed", "case.transferred", "case.erased"]);

/** The platform's rows from case messages it read, newest opened first, with the records each is built from. */
export function platformCaseRows(records: readonly FlowRecord[]): { rows: CaseRow[]; shown: ShownRecord[] } {
  const byCase = new Map<string, FlowRecord[]>();
  for (const r of records) {
    if (!r.caseRef || !LIFECYCLE.has(r.type)) continue;
    byCase.set(r.caseRef, [...(byCase.get(r.caseRef) ?? []), r]);
  }
  const rows: CaseRow[] = [];
  const shown: ShownRecord[] = [];
  for (const [caseRef, rs] of byCase) {
    const first = (type: string) => rs.find((r) => r.type === type);
    const of = (type: string) => rs.filter((r) => r.type === type);
    const livc = rs.find((r) => r.type !== "case.task.reported")?.sender ?? rs[0]!.sender;
    const opened = first("case.opened");
    const closed = first("case.closed");
    const transferred = first("case.transferred");
    const erased = first("case.erased");
    const reports = new Map<string, FlowRecord>();
    for (const r of of("case.task.reported")) if (!reports.has(r.reference ?? r.id)) reports.set(r.reference ?? r.id, r);
    rows.push({
      caseRef, livc,
      participants: [...new Set(of("case.opened").map((r) => r.audience))],
      ...(opened ? { openedAt: opened.time } : {}),
      tasks: [...reports.values()].map((r) => ({ ...(r.reference ? { taskId: r.reference } : {}), owner: r.sender, reportedAt: r.time, state: "reported" as const })),
      ...(closed ? { closed: { at: closed.time } } : {}),
      ...(transferred ? { transferred: { to: transferred.audience, at: transferred.time } } : {}),
      ...(erased ? { erased: { at: erased.time } } : {}),
    });
    for (const r of rs) shown.push({ id: r.id, caseRef });
  }
  rows.sort((a, b) => (b.openedAt ?? "").localeCompare(a.openedAt ?? ""));
  return { rows, shown };
}
