/**
 * The recipient acknowledges a notice once an official has read and taken it up. The
 * acknowledgement carries a derived id, so a retry after a crash re-publishes the same message id
 * and JetStream stores it once. This is the one acknowledgement path: the service's record of the
 * notice when it has one, the organisation's own feed when it has not (yet), and the record
 * updated afterwards either way, so a second acknowledgement is never sent.
 */
import { actorRefOf, traceIdOf, type Actor } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { keepAnswer, recordedOrInFeed } from "../addressed-in-feed.ts";
import { orgState } from "../state.ts";
import type { ReceivedNotice } from "../records.ts";
import { receivedNoticeOf } from "./receive.ts";

/** Idempotency key of the recipient's acknowledgement of one notice. */
export const acknowledgedKey = (noticeId: string): string => `acknowledged|${noticeId}`;

export interface AcknowledgeInput {
  noticeId: string;
  remark?: string;
  /** The official's role or name within the organisation. */
  by?: string;
  /** The signed-in person acknowledging (on the wire as `actor`/`actorrole`); absent: the service. */
  actor?: Actor;
}

/** What acknowledging a notice did. */
export type AcknowledgeOutcome =
  | { outcome: "acknowledged"; noticeId: string; to: string; acknowledgedAt: string; messageId: string; traceId: string }
  | { outcome: "already-acknowledged"; noticeId: string; to: string; acknowledgedAt: string; messageId: string }
  | { outcome: "unknown-notice"; noticeId: string; message: string };

/**
 * Acknowledges a notice that reached the bus's organisation: sends `notice.acknowledged` to the
 * notice's sender, as an answer to the notice (same trace and correlation), then records it.
 * The notice comes from the organisation's record, or else from its feed. Acknowledging twice
 * sends nothing new. An id addressed to no copy this organisation can read is the outcome
 * `unknown-notice`, with a message saying what to check. Throws SchemaError when the remark is
 * too long, FeedSlotsInUseError when the feed is needed and every slot is taken.
 */
export async function acknowledgeNotice(bus: Bus, input: AcknowledgeInput, now = new Date()): Promise<AcknowledgeOutcome> {
  const state = await orgState(bus);
  const found = await recordedOrInFeed(state.notices, bus, "notice.posted", input.noticeId, (e, d) => receivedNoticeOf(e, d, now));
  if (!found) {
    return {
      outcome: "unknown-notice",
      noticeId: input.noticeId,
      message: `no notice ${input.noticeId} has reached ${bus.org}: no copy addressed to it is in its feed; check the id (schakel feed --as ${bus.org} --type notice.posted)`,
    };
  }
  const notice = found.record;
  if (notice.acknowledgement) {
    return { outcome: "already-acknowledged", noticeId: notice.noticeId, to: notice.from, acknowledgedAt: notice.acknowledgement.acknowledgedAt, messageId: notice.acknowledgement.messageId };
  }
  const acknowledgedAt = now.toISOString();
  const sent = await bus.publish("notice.acknowledged", {
    noticeId: notice.noticeId,
    recipient: bus.org,
    acknowledgedAt,
    ...(input.by ? { acknowledgedBy: input.by } : {}),
    ...(input.remark ? { remark: input.remark } : {}),
  }, { to: notice.from, inReplyTo: notice.message, idempotencyKey: acknowledgedKey(notice.noticeId), ...(input.actor ? { actor: input.actor } : {}) });
  const actor = actorRefOf(sent.envelope);
  const acknowledgement = { acknowledgedAt, messageId: sent.id, ...(input.by ? { by: input.by } : {}), ...(input.remark ? { remark: input.remark } : {}), ...(actor ? { actor } : {}) };
  await keepAnswer(state.notices, notice.noticeId, found, { acknowledgement });
  // A duplicate: an earlier acknowledgement with the same derived id that no record knew of.
  if (sent.duplicate) return { outcome: "already-acknowledged", noticeId: notice.noticeId, to: notice.from, acknowledgedAt, messageId: sent.id };
  return { outcome: "acknowledged", noticeId: notice.noticeId, to: notice.from, acknowledgedAt, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent) };
}

/** Notices that reached this organisation, newest first; `pending` keeps the unacknowledged ones. */
export async function receivedNotices(bus: Bus, opts: { pending?: boolean } = {}): Promise<ReceivedNotice[]> {
  const state = await orgState(bus);
  const all = (await state.notices.list()).map((r) => r.value);
  return all.filter((n) => !opts.pending || !n.acknowledgement).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
