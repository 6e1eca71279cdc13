/**
 * A case's consultations and the cases handed over to a municipality, as the case pages show them.
 * Metadata (who asked whom, when, by when, answered or not) comes from the organisation's own
 * records, or for the platform coordinator from the consultation messages the platform read; the
 * content (question, answers, hand-over) only as the organisation library opened it for a
 * participant, each opening recorded in the read audit first.
 */
import type { CaseContent } from "@schakel/contracts";
import type { CaseTransferIn, IncomingConsultation, OpenedConsultation, OutgoingConsultation } from "@schakel/organisation";
import type { ShownRecord } from "../audit/read-log.ts";
import type { FlowRecord } from "../model/record.ts";

export type ConsultationState = "answered" | "overdue" | "awaiting";

export interface ConsultationRow {
  consultationId: string;
  /** incoming: asked of this organisation; outgoing: asked by it. */
  direction: "incoming" | "outgoing";
  from: string;
  to: string[];
  at: string;
  respondBy?: string;
  /** The organisations that answered, and when. */
  answers: { from: string; at: string }[];
  state: ConsultationState;
  /** The records the row is built from (for the read audit). */
  messageIds: string[];
}

/** A consultation row with what opened for the signed-in participant (absent: sealed to others, or not opened). */
export interface OpenedConsultationRow extends ConsultationRow {
  question?: string;
  notes?: string;
  answerTexts?: { from: string; text?: string; at: string }[];
}

/** A case handed over to this municipality's LIVC-R: from whom, when; the hand-over text only once opened. */
export interface HandoverRow {
  caseRef: string;
  from: string;
  at: string;
  messageId: string;
  handover?: string;
}

const stateOf = (answered: boolean, respondBy: string | undefined, now: number): ConsultationState =>
  answered ? "answered" : respondBy !== undefined && Date.parse(respondBy) < now ? "overdue" : "awaiting";

/** The rows of one case from the organisation's incoming and outgoing consultations, oldest first. */
export function consultationRowsOf(org: string, incoming: readonly IncomingConsultation[], outgoing: readonly OutgoingConsultation[], now = Date.now()): ConsultationRow[] {
  const rows: ConsultationRow[] = [
    ...incoming.map((c): ConsultationRow => ({
      consultationId: c.consultationId, direction: "incoming", from: c.from, to: c.recipients, at: c.receivedAt, ...(c.respondBy ? { respondBy: c.respondBy } : {}),
      answers: c.response ? [{ from: org, at: c.response.respondedAt }] : [], state: stateOf(c.response !== undefined, c.respondBy, now),
      messageIds: [c.message.id, ...(c.response ? [c.response.messageId] : [])],
    })),
    ...outgoing.map((c): ConsultationRow => ({
      consultationId: c.consultationId, direction: "outgoing", from: org, to: c.recipients, at: c.sentAt, ...(c.respondBy ? { respondBy: c.respondBy } : {}),
      answers: c.responses.map((r) => ({ from: r.from, at: r.receivedAt })), state: stateOf(c.responses.length > 0, c.respondBy, now),
      messageIds: [...Object.values(c.messageIds), ...c.responses.map((r) => r.messageId)],
    })),
  ];
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}

/** A row with the content `opened` holds for it. */
export function withContent(row: ConsultationRow, opened: OpenedConsultation): OpenedConsultationRow {
  return {
    ...row,
    ...(opened.content.question !== undefined ? { question: opened.content.question } : {}),
    ...(opened.content.notes !== undefined ? { notes: opened.content.notes } : {}),
    answerTexts: opened.answers.map((a) => ({ from: a.from, at: a.at, ...(a.content.answer !== undefined ? { text: a.content.answer } : {}) })),
  };
}

/** The platform's rows of one case, from the consultation messages it read (one row per consultation). */
export function platformConsultationRows(records: readonly FlowRecord[], caseRef: string, now = Date.now()): { rows: ConsultationRow[]; shown: ShownRecord[] } {
  const asked = new Map<string, FlowRecord[]>();
  const answered = new Map<string, FlowRecord[]>();
  const shown: ShownRecord[] = [];
  for (const r of records) {
    if (r.caseRef !== caseRef || !r.reference) continue;
    const into = r.type === "case.consultation.requested" ? asked : r.type === "case.consultation.responded" ? answered : undefined;
    if (!into) continue;
    into.set(r.reference, [...(into.get(r.reference) ?? []), r]);
    shown.push({ id: r.id, caseRef });
  }
  const rows = [...asked].map(([consultationId, copies]): ConsultationRow => {
    const answers = (answered.get(consultationId) ?? []).map((a) => ({ from: a.sender, at: a.time }));
    return {
      consultationId, direction: "outgoing", from: copies[0]!.sender, to: [...new Set(copies.map((c) => c.audience))], at: copies[0]!.time,
      answers, state: stateOf(answers.length > 0, undefined, now), messageIds: [...copies, ...(answered.get(consultationId) ?? [])].map((c) => c.id),
    };
  });
  return { rows: rows.sort((a, b) => a.at.localeCompare(b.at)), shown };
}

/** A hand-over's row (metadata), and with its text once opened. */
export const handoverRowOf = (t: CaseTransferIn, content?: CaseContent): HandoverRow => ({
  caseRef: t.caseRef, from: t.from, at: t.receivedAt, messageId: t.message.id, ...(content?.handover !== undefined ? { handover: content.handover } : {}),
});
