/**
 * A notice's status as a document for people and scripts (`schakel notice status --json`, the
 * platform's read model): the notice's facts and one row per recipient, times as ISO 8601 and
 * absent values as null, so the JSON has the same keys whoever asked.
 */
import type { ActorRef } from "@schakel/contracts";
import type { PersonIndex } from "@schakel/contracts/bus";
import type { NoticeProgress, RecipientState, RecipientStatus } from "./status.ts";
import { noticeProgress } from "./status.ts";

export interface RecipientReport {
  org: string;
  state: RecipientState;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /**
   * The person who acknowledged, as on the wire (pseudonym and role), with their id and name when
   * the reader could resolve the pseudonym (`withActorNames`); null: its service acknowledged, or
   * the receipt came from an earlier release, or the row is not acknowledged.
   */
  acknowledgedActor: (ActorRef & { person: string | null; name: string | null }) | null;
  remark: string | null;
  /** Acknowledged, but after the deadline. */
  late: boolean;
  escalated: boolean;
  escalatedAt: string | null;
  escalationId: string | null;
}

export interface NoticeStatusReport {
  noticeId: string;
  title: string | null;
  category: string | null;
  sender: string | null;
  audiences: string[];
  postedAt: string | null;
  ackRequired: boolean;
  ackBy: string | null;
  traceId: string | null;
  progress: NoticeProgress;
  recipients: RecipientReport[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The report of a notice from its facts and the rows `recipientStatuses` folded for it. */
export function noticeStatusReport(notice: Omit<NoticeStatusReport, "recipients" | "progress">, rows: readonly RecipientStatus[]): NoticeStatusReport {
  return {
    ...notice,
    progress: noticeProgress(notice.ackRequired, rows).progress,
    recipients: rows.map((r) => ({
      org: r.org, state: r.state, deliveredAt: iso(r.deliveredAt), acknowledgedAt: iso(r.acknowledgedAt), acknowledgedBy: r.acknowledgedBy ?? null,
      acknowledgedActor: r.acknowledgedActor ? { ...r.acknowledgedActor, person: null, name: null } : null, remark: r.remark ?? null, late: r.lateMs !== undefined, escalated: r.escalated, escalatedAt: iso(r.escalatedAt), escalationId: r.escalationId ?? null,
    })),
  };
}

/** The report with each acknowledging person's id and name filled in where `index` resolves the pseudonym. */
export function withActorNames<R extends NoticeStatusReport>(report: R, index: PersonIndex): R {
  return {
    ...report,
    recipients: report.recipients.map((r) => {
      const person = r.acknowledgedActor ? index.resolve(r.acknowledgedActor.pseudonym) : undefined;
      return person && r.acknowledgedActor ? { ...r, acknowledgedActor: { ...r.acknowledgedActor, person: person.id, name: person.name } } : r;
    }),
  };
}
