/**
 * Rectifying a case without rewriting history: a `case.corrected` names what it rectifies (the
 * summary, a task, a task's report) and carries the corrected text, sealed to the participants
 * under the case key. Only the author of the original corrects it; every participant keeps the
 * correction beside the original, and opening the case shows the latest correction of each part.
 */
import { caseLaw, SchakelError, type Actor, type CaseCorrected } from "@schakel/contracts";
import type { Bus, Delivery } from "@schakel/contracts/bus";
import type { CaseFile } from "../records.ts";
import { orgState, type OrgState } from "../state.ts";
import { requireCase } from "./lifecycle.ts";
import { currentComposition } from "./membership.ts";
import { requireCaseKey, sealTo } from "./sealing.ts";

export interface CorrectionInput {
  caseRef: string;
  field: CaseCorrected["field"];
  taskId?: string;
  text: string;
  actor?: Actor;
}

/** Who wrote the part a correction rectifies: the municipality (summary, tasks) or the task's owner (its report). */
export function authorOf(file: CaseFile, field: CaseCorrected["field"], taskId?: string): string | undefined {
  if (field === "summary") return file.livc;
  const task = file.plan?.tasks.find((t) => t.taskId === taskId);
  if (!task) return undefined;
  return field === "task" ? file.livc : task.reported ? task.owner : undefined;
}

/** Sends a correction of a part of a case this organisation wrote. */
export async function correctCase(bus: Bus, input: CorrectionInput): Promise<{ caseRef: string; field: string; messageIds: string[] }> {
  const state = await orgState(bus);
  const file = await requireCase(state, input.caseRef);
  if (file.erased) throw new SchakelError("not-allowed", `case ${file.caseRef} was erased at ${file.erased.at}: nothing is left to correct`, { caseRef: file.caseRef });
  const author = authorOf(file, input.field, input.taskId);
  if (author === undefined) throw new SchakelError("not-found", `case ${file.caseRef} has no ${input.field}${input.taskId ? ` for task ${input.taskId}` : ""} to correct`, { caseRef: file.caseRef });
  if (author !== bus.org) throw new SchakelError("not-allowed", `the ${input.field} of case ${file.caseRef} was written by "${author}": only its author corrects it`, { author });
  const version = await currentComposition(state, file.livc);
  const participants = file.participants.filter((p) => version.members.some((m) => m.org === p));
  const sealed = sealTo(bus, { correction: input.text }, participants, requireCaseKey(bus, file.caseRef));
  const data = {
    caseRef: file.caseRef, ...caseLaw(file.livc, version.version, "follow-up"),
    field: input.field, ...(input.taskId ? { taskId: input.taskId } : {}), participants, sealed,
  };
  const messageIds: string[] = [];
  for (const to of participants) {
    const ack = await bus.publish("case.corrected", data, { to, ...(input.actor ? { actor: input.actor } : {}) });
    messageIds.push(ack.id);
    if (to === bus.org) await receiveCaseCorrection(state, { data, envelope: ack.envelope as Delivery<"case.corrected">["envelope"] });
  }
  return { caseRef: file.caseRef, field: input.field, messageIds };
}

/** Keeps a correction beside the original; one from anyone but the original's author is ignored (returns undefined). */
export async function receiveCaseCorrection(state: OrgState, d: Pick<Delivery<"case.corrected">, "data" | "envelope">): Promise<CaseFile | undefined> {
  const { data, envelope } = d;
  const r = await state.cases.mutate(data.caseRef, (cur) => {
    if (!cur || authorOf(cur, data.field, data.taskId) !== envelope.sender || cur.corrections?.some((c) => c.messageId === envelope.id)) return undefined;
    const correction = { field: data.field, ...(data.taskId ? { taskId: data.taskId } : {}), by: envelope.sender, at: envelope.time, messageId: envelope.id, sealed: data.sealed };
    return { ...cur, corrections: [...(cur.corrections ?? []), correction] };
  });
  return r?.value;
}
