/**
 * The delivery record of every notice the platform sees: its copies and audiences, the
 * organisations it should reach, and per organisation when its service received the notice and
 * when an official acknowledged it. This is the source of the notice status matrix. The notice's
 * own record changes only with its copies; each recipient's receipts are a record of their own
 * (`<noticeId>.<recipient>`), so a receipt costs the same at 600 recipients as at 3.
 */
import { actorRefOf, traceIdOf } from "@schakel/contracts";
import type { Delivery } from "@schakel/contracts/bus";
import { recipientsOf } from "@schakel/organisation";
import type { PlatformContext } from "./context.ts";
import { deliveryReceiptKey, type NoticeRecord, type Receipt } from "./records.ts";
import { deliveryReceipts } from "./stores.ts";

const empty = (noticeId: string): NoticeRecord => ({ noticeId, audiences: [], expected: [], copies: {} });

/** Records one copy of a notice (one per audience); a copy seen before changes nothing. */
export async function recordNoticePosted(p: PlatformContext, d: Delivery<"notice.posted">): Promise<void> {
  const { data, envelope } = d;
  const storedAt = d.storedAt.toISOString();
  await p.stores.deliveries.mutate(data.noticeId, (cur) => {
    const r = cur ?? empty(data.noticeId);
    if (r.copies[envelope.audience] === envelope.id) return undefined;
    const audiences = [...new Set([...data.recipients, ...r.audiences])];
    return {
      ...r,
      sender: envelope.sender,
      title: data.title,
      category: data.category,
      audiences,
      expected: recipientsOf(p.directory, audiences.filter((a) => p.directory.isAudience(a)), envelope.sender),
      ackRequired: data.ackRequired,
      ...(data.ackBy ? { ackBy: data.ackBy } : {}),
      postedAt: r.postedAt && r.postedAt < storedAt ? r.postedAt : storedAt,
      traceId: r.traceId ?? traceIdOf(envelope.traceparent),
      copies: { ...r.copies, [envelope.audience]: envelope.id },
    };
  });
}

async function noteReceipt(p: PlatformContext, noticeId: string, org: string, change: (r: Receipt) => Receipt | undefined): Promise<void> {
  await deliveryReceipts(p.stores).mutate(deliveryReceiptKey(noticeId, org), (cur) => {
    const next = change(cur ?? {});
    return next ? { ...next, noticeId, recipient: org } : undefined;
  });
}

/** A delivery receipt: the recipient's service has the notice (first receipt wins). */
export async function recordNoticeDelivered(p: PlatformContext, d: Delivery<"notice.delivered">): Promise<void> {
  // `recipient` is the sender itself: receivers refuse any other (decode.ts, catalog senderField).
  const { noticeId, deliveredAt } = d.data;
  const recipient = d.envelope.sender;
  // Almost always the recipient's first receipt of the notice: one create, no read before it.
  const first = await deliveryReceipts(p.stores).create(deliveryReceiptKey(noticeId, recipient), { noticeId, recipient, deliveredAt });
  if (first.created) return;
  await noteReceipt(p, noticeId, recipient, (r) => (r.deliveredAt ? undefined : { ...r, deliveredAt }));
}

/** An acknowledgement: an official of the recipient read and took up the notice (first wins). */
export async function recordNoticeAcknowledged(p: PlatformContext, d: Delivery<"notice.acknowledged">): Promise<void> {
  const { data, envelope } = d;
  const actor = actorRefOf(envelope);
  await noteReceipt(p, data.noticeId, envelope.sender, (r) => r.acknowledgedAt ? undefined : {
    ...r,
    acknowledgedAt: d.storedAt.toISOString(),
    ...(data.acknowledgedBy ? { acknowledgedBy: data.acknowledgedBy } : {}),
    ...(data.remark ? { remark: data.remark } : {}),
    ...(actor ? { actor } : {}),
  });
}

/** True when a copy of the notice has been recorded (so its obligations, if any, exist). */
export async function noticeSeen(p: PlatformContext, noticeId: string): Promise<boolean> {
  return Boolean((await p.stores.deliveries.get(noticeId))?.value.postedAt);
}
