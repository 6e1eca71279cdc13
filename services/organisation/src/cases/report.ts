/**
 * What an organisation holds about a case reference, for a data protection officer answering an
 * access request (GDPR art. 15): every message of the case it sent or received (ids, times, who,
 * what kind — never content), its consultations, corrections, hand-overs, whether it still holds
 * the case key, and the erasure. Nothing is opened, so nothing here is a read of the content;
 * the read log of the case (who opened what) comes from the audit (`schakel audit reads --case`).
 */
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { caseKeysOf } from "./case-keys.ts";

export interface CaseReportEvent {
  at: string;
  what: string;
  messageId: string;
  by?: string;
}

export interface CaseReport {
  caseRef: string;
  organisation: string;
  livc?: string;
  participants?: string[];
  events: CaseReportEvent[];
  consultations: { consultationId: string; direction: "incoming" | "outgoing"; with: string[]; at: string; answered: boolean }[];
  transferredIn?: { from: string; at: string; messageId: string };
  keyHeld: boolean;
  erased?: { at: string; reason: string; messageId: string };
}

/** The report of `caseRef` as the bus's organisation holds it (empty lists when it holds nothing). */
export async function caseReport(bus: Bus, caseRef: string): Promise<CaseReport> {
  const state = await orgState(bus);
  const file = (await state.cases.get(caseRef))?.value;
  const events: CaseReportEvent[] = [];
  if (file) {
    events.push({ at: file.openedAt, what: "opened", messageId: file.opened.id, by: file.livc });
    if (file.plan) events.push({ at: file.plan.setAt, what: `plan v${file.plan.planVersion} (${file.plan.tasks.length} task(s))`, messageId: file.plan.messageId, by: file.livc });
    for (const t of file.plan?.tasks ?? []) if (t.reported) events.push({ at: t.reported.at, what: `task ${t.taskId} reported`, messageId: t.reported.messageId, by: t.owner });
    for (const c of file.corrections ?? []) events.push({ at: c.at, what: `${c.field} corrected`, messageId: c.messageId, by: c.by });
    if (file.closed) events.push({ at: file.closed.at, what: `closed (${file.closed.reason})`, messageId: file.closed.messageId, by: file.livc });
    if (file.transferred) events.push({ at: file.transferred.at, what: `transferred to ${file.transferred.to}`, messageId: file.transferred.messageId, by: file.livc });
    if (file.erased) events.push({ at: file.erased.at, what: `erased (${file.erased.reason})`, messageId: file.erased.messageId, by: file.livc });
  }
  const incoming = (await state.consultationsIn.list()).map((s) => s.value).filter((c) => c.caseRef === caseRef);
  const outgoing = (await state.consultationsOut.list()).map((s) => s.value).filter((c) => c.caseRef === caseRef);
  for (const c of incoming) events.push({ at: c.receivedAt, what: `consultation ${c.consultationId} received`, messageId: c.message.id, by: c.from });
  for (const c of outgoing) {
    for (const id of Object.values(c.messageIds)) events.push({ at: c.sentAt, what: `consultation ${c.consultationId} sent`, messageId: id, by: bus.org });
    for (const r of c.responses) events.push({ at: r.receivedAt, what: `consultation ${c.consultationId} answered`, messageId: r.messageId, by: r.from });
  }
  const transfer = (await state.transfersIn.get(caseRef))?.value;
  if (transfer) events.push({ at: transfer.receivedAt, what: "handed over to this LIVC-R", messageId: transfer.message.id, by: transfer.from });
  events.sort((a, b) => a.at.localeCompare(b.at));
  let keyHeld = false;
  try {
    keyHeld = caseKeysOf(bus).get(caseRef) !== undefined;
  } catch {
    keyHeld = false;
  }
  return {
    caseRef, organisation: bus.org,
    ...(file ? { livc: file.livc, participants: file.participants } : {}),
    events,
    consultations: [
      ...incoming.map((c) => ({ consultationId: c.consultationId, direction: "incoming" as const, with: [c.from], at: c.receivedAt, answered: c.response !== undefined })),
      ...outgoing.map((c) => ({ consultationId: c.consultationId, direction: "outgoing" as const, with: c.recipients, at: c.sentAt, answered: c.responses.length > 0 })),
    ],
    ...(transfer ? { transferredIn: { from: transfer.from, at: transfer.receivedAt, messageId: transfer.message.id } } : {}),
    keyHeld,
    ...(file?.erased ? { erased: file.erased } : {}),
  };
}
