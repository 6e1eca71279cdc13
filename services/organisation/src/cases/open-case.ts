/**
 * Opening a case as the organisation that takes part in it: the summary, the plan's tasks and the
 * reports sealed to it. The opening is recorded in the read audit first (kind "case-content", the
 * case reference and every message opened); when that fails nothing is opened. A person opens
 * only when their role takes part in the LIVC-R for their organisation (its composition).
 */
import { SchakelError, type CaseContent, type CaseCorrected } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import type { CaseFile } from "../records.ts";
import { orgState } from "../state.ts";
import type { CaseReader } from "./consultation.ts";
import { requireCase } from "./lifecycle.ts";
import { currentComposition } from "./membership.ts";
import { caseKeysOf } from "./case-keys.ts";
import { openContent } from "./sealing.ts";

/** An opened text, and when it was last corrected (absent: as first written). */
export interface OpenedText {
  text: string;
  correctedAt?: string;
}

export interface OpenedCase {
  file: CaseFile;
  summary?: OpenedText;
  tasks: { taskId: string; owner: string; dueBy: string; task?: OpenedText; report?: { at: string; text?: OpenedText } }[];
}

const SERVICE_READER: CaseReader = { interface: "service", purpose: "open case" };

/** Opens what of `caseRef` is sealed to the bus's organisation; content sealed to others stays closed (undefined). */
export async function openCaseFile(bus: Bus, caseRef: string, reader: CaseReader = SERVICE_READER): Promise<OpenedCase> {
  const state = await orgState(bus);
  const file = await requireCase(state, caseRef);
  if (file.erased) throw new SchakelError("not-found", `case ${caseRef} was erased at ${file.erased.at} (${file.erased.reason}): its content opens nowhere any more`, { caseRef });
  if (reader.person && reader.role) {
    const version = await currentComposition(state, file.livc);
    const mine = version.members.find((m) => m.org === bus.org);
    if (!mine?.roles.includes(reader.role)) {
      throw new SchakelError("not-allowed", `${reader.person} (${reader.role}) does not take part in the LIVC-R of ${file.livc} for "${bus.org}": its roles there are ${mine?.roles.join(", ") || "none"}`, { person: reader.person, role: reader.role });
    }
  }
  const reports = file.plan?.tasks.flatMap((t) => (t.reported ? [t.reported.messageId] : [])) ?? [];
  const corrections = file.corrections ?? [];
  await bus.recordRead({
    ...reader, kind: "case-content", caseRef,
    messageIds: [file.opened.id, ...(file.plan ? [file.plan.messageId] : []), ...reports, ...corrections.map((c) => c.messageId)],
  });
  const key = caseKeysOf(bus).get(caseRef);
  const tryOpen = (sealed: CaseFile["sealed"]): CaseContent | undefined => (sealed.recipients.some((r) => r.org === bus.org) ? openContent(bus, sealed, key) : undefined);
  /** The text as written, replaced by the latest correction of it that opens here. */
  const latest = (original: string | undefined, field: CaseCorrected["field"], taskId?: string): OpenedText | undefined => {
    const fix = corrections.filter((c) => c.field === field && c.taskId === taskId).map((c) => ({ c, text: tryOpen(c.sealed)?.correction })).filter((x) => x.text !== undefined).at(-1);
    if (fix) return { text: fix.text!, correctedAt: fix.c.at };
    return original === undefined ? undefined : { text: original };
  };
  const plan = file.plan ? tryOpen(file.plan.sealed) : undefined;
  const summary = latest(tryOpen(file.sealed)?.summary, "summary");
  return {
    file,
    ...(summary ? { summary } : {}),
    tasks: (file.plan?.tasks ?? []).map((t) => {
      const task = latest(plan?.tasks?.[t.taskId], "task", t.taskId);
      const text = t.reported ? latest(tryOpen(t.reported.sealed)?.report, "report", t.taskId) : undefined;
      return {
        taskId: t.taskId, owner: t.owner, dueBy: t.dueBy, ...(task ? { task } : {}),
        ...(t.reported ? { report: { at: t.reported.at, ...(text ? { text } : {}) } } : {}),
      };
    }),
  };
}
