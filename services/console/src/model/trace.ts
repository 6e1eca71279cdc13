/**
 * One trace as a sequence across the levels: the messages sharing a W3C trace id in storage
 * order, the organisations involved grouped in level lanes, timings, and the acknowledgements
 * that notices in the trace asked for and did not get.
 */
import type { ReadModel } from "./read-model.ts";
import type { FlowRecord, LaneLevel } from "./record.ts";
import { levelOfAudience } from "./record.ts";
import type { KnownActor } from "./notice-book.ts";
import { noticeMatrix } from "./notice-query.ts";
import { knownActor, shownActor } from "./persons.ts";
import { canSee, type Viewpoint } from "./visibility.ts";

/** The lanes always drawn, in this order; supralocal and `all` appear only when involved. */
export const BASE_LANES: readonly LaneLevel[] = ["local", "flemish", "federal"];
const LANE_ORDER: readonly LaneLevel[] = ["local", "flemish", "federal", "supralocal", "all"];

export interface TraceStep {
  record: FlowRecord;
  /** ms since the first message of the trace. */
  atMs: number;
  /** ms since the message this one answers (causation), when that message is in the trace. */
  sinceCauseMs?: number;
  /** The person who sent it (named where the viewer may see the name); absent: the sender's service. */
  actor?: KnownActor;
}

export interface MissingAcknowledgement {
  noticeId: string;
  title: string;
  org: string;
  lane: LaneLevel;
  deadline?: string;
  overdue: boolean;
  escalated: boolean;
}

export interface Lane {
  level: LaneLevel;
  /** Participants: organisation ids, or a group audience (e.g. `local`) addressed as a whole. */
  participants: string[];
}

export interface TraceView {
  traceId: string;
  steps: TraceStep[];
  lanes: Lane[];
  missing: MissingAcknowledgement[];
  startedAt?: number;
  durationMs: number;
  /** Messages of this trace the viewpoint may not see (counted, never shown). */
  hidden: number;
}

/** Assembles the trace; an unknown trace id gives a view with no steps. */
export function traceView(model: ReadModel, viewer: Viewpoint, traceId: string, now = Date.now()): TraceView {
  const all = model.trace(traceId);
  const records = all.filter((r) => canSee(viewer, r)).sort((a, b) => a.storedAt - b.storedAt || a.pos - b.pos);
  const start = records[0]?.storedAt ?? 0;
  const byId = new Map(records.map((r) => [r.id, r]));
  const steps = records.map((record) => {
    const cause = record.causationId ? byId.get(record.causationId) : undefined;
    const actor = record.actor ? shownActor(knownActor(record.actor, model.persons), record.sender, viewer) : undefined;
    return { record, atMs: record.storedAt - start, ...(cause ? { sinceCauseMs: record.storedAt - cause.storedAt } : {}), ...(actor ? { actor } : {}) };
  });

  const missing: MissingAcknowledgement[] = [];
  const seenNotices = new Set<string>();
  for (const r of records) {
    if (r.type !== "notice.posted" || !r.reference || seenNotices.has(r.reference)) continue;
    seenNotices.add(r.reference);
    const n = model.notices.notices.get(r.reference);
    if (!n?.ackRequired) continue;
    for (const row of noticeMatrix(n, viewer, now)) {
      if (row.state === "acknowledged") continue;
      missing.push({
        noticeId: n.noticeId, title: n.title, org: row.org, lane: levelOfAudience(model.directory, row.org),
        overdue: row.state === "overdue", escalated: row.escalated, ...(n.ackBy ? { deadline: n.ackBy } : {}),
      });
    }
  }

  const participants = new Map<LaneLevel, Set<string>>(BASE_LANES.map((l) => [l, new Set<string>()]));
  const add = (lane: LaneLevel, who: string) => {
    if (!participants.has(lane)) participants.set(lane, new Set());
    participants.get(lane)!.add(who);
  };
  for (const r of records) {
    add(r.senderLevel, r.sender);
    add(r.audienceLevel, r.audience);
  }
  for (const m of missing) add(m.lane, m.org);
  const lanes = LANE_ORDER.filter((l) => participants.has(l)).map((level) => ({ level, participants: [...participants.get(level)!] }));
  const last = records[records.length - 1];
  return {
    traceId, steps, lanes, missing, hidden: all.length - records.length,
    durationMs: last ? last.storedAt - start : 0, ...(records.length ? { startedAt: start } : {}),
  };
}
