/**
 * A notice arrives: record it and send the delivery receipt to its sender. The receipt carries a
 * derived id, so a retry after a crash re-publishes the same message id and JetStream stores it once.
 */
import type { DataOf, Envelope } from "@schakel/contracts";
import type { Delivery } from "@schakel/contracts/bus";
import type { OrgState } from "../state.ts";
import { messageRefOf, type ReceivedNotice } from "../records.ts";

/** Idempotency keys of the recipient's answers to one notice. */
export const deliveredKey = (noticeId: string): string => `delivered|${noticeId}`;

/** The record of a notice copy that reached this organisation at `now`. */
export function receivedNoticeOf(envelope: Envelope, data: DataOf<"notice.posted">, now: Date): ReceivedNotice {
  return {
    noticeId: data.noticeId,
    from: envelope.sender,
    audience: envelope.audience,
    title: data.title,
    body: data.body,
    category: data.category,
    ackRequired: data.ackRequired,
    ...(data.ackBy ? { ackBy: data.ackBy } : {}),
    receivedAt: now.toISOString(),
    message: messageRefOf(envelope),
    ...(data.residence ? { residence: data.residence } : {}),
    ...(data.person ? { person: data.person } : {}),
  };
}

/**
 * Records a notice that reached this organisation (first copy wins when it arrives through
 * several audiences) and sends `notice.delivered` to its sender. Safe to repeat.
 */
export async function receiveNotice(state: OrgState, d: Delivery<"notice.posted">, now = new Date()): Promise<ReceivedNotice> {
  const { data, envelope } = d;
  const record = receivedNoticeOf(envelope, data, now);
  const created = await state.notices.create(data.noticeId, record);
  const stored = created.created ? record : created.existing?.value ?? record;
  await d.reply("notice.delivered", { noticeId: data.noticeId, recipient: state.org, deliveredAt: stored.receivedAt }, {
    to: envelope.sender,
    idempotencyKey: deliveredKey(data.noticeId),
  });
  return stored;
}

