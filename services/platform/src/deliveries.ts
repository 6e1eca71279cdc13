/**
 * The delivery record of every notice the platform sees: its copies and audiences, the
 * organisations it should reach, and per organisation when its service received the notice and
 * when an official acknowledged it. This is the source of the notice status matrix.
 */
import { actorRefOf, traceIdOf } from "@schakel/contracts";
import type { Delivery } from "@schakel/contracts/bus";
import { recipientsOf } from "@schakel/organisation";
import type { PlatformContext } from "./context.ts";
import type { NoticeRecord, Receipt } from "./records.ts";

const empty = (noticeId: string): NoticeRecord => ({ noticeId, audiences: [], expected: [], copies: {}, receipts: {} });

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
  await p.stores.deliveries.mutate(noticeId, (cur) => {
    const r = cur ?? empty(noticeId);
    const next = change(r.receipts[org] ?? {});
    return next ? { ...r, receipts: { ...r.receipts, [org]: next } } : undefined;
  });
}

/** A delivery receipt: the recipient's service has the notice (first receipt wins). */
export async function recordNoticeDelivered(p: PlatformContext, d: Delivery<"notice.delivered">): Promise<void> {
  // `recipient` is the sender itself: receivers refuse any other (decode.ts, catalog senderField).
  await noteReceipt(p, d.data.noticeId, d.envelope.sender, (r) => (r.deliveredAt ? undefined : { ...r, deliveredAt: d.data.deliveredAt }));
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
