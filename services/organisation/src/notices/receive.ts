/**
 * A notice arrives: record it and send the delivery receipt to its sender. The receipt carries a
 * derived id, so a retry after a crash re-publishes the same message id and JetStream stores it once.
 */
import type { DataOf, Envelope } from "@schakel/contracts";
import type { Delivery } from "@schakel/contracts/bus";
import type { OrgState } from "../state.ts";
import { messageRefOf, type ReceivedNotice } from "../records.ts";

/** Whether a notice record holds the person's details sealed to `org`. */
const opensHere = (n: ReceivedNotice, org: string): boolean => n.person !== undefined && "sealed" in n.person && n.person.sealed.recipients.some((r) => r.org === org);

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
 * several audiences, except that the copy holding the person's details sealed to it replaces one
 * holding the redaction marker: a member named in `to` and reached through a group too) and sends
 * `notice.delivered` to its sender. Safe to repeat.
 */
export async function receiveNotice(state: OrgState, d: Delivery<"notice.posted">, now = new Date()): Promise<ReceivedNotice> {
  const { data, envelope } = d;
  const record = receivedNoticeOf(envelope, data, now);
  const created = await state.notices.create(data.noticeId, record);
  let stored = created.created ? record : created.existing?.value ?? record;
  if (!created.created && opensHere(record, state.org) && !opensHere(stored, state.org)) {
    const kept = stored;
    const upgraded = await state.notices.mutate(data.noticeId, (cur) =>
      (cur && !opensHere(cur, state.org) ? { ...cur, audience: record.audience, message: record.message, person: record.person } : undefined));
    stored = upgraded?.value ?? kept;
  }
  await d.reply("notice.delivered", { noticeId: data.noticeId, recipient: state.org, deliveredAt: stored.receivedAt }, {
    to: envelope.sender,
    idempotencyKey: deliveredKey(data.noticeId),
  });
  return stored;
}

