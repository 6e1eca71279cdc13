/**
 * A notice's status as one organisation may know it from what it can read itself: the messages
 * about the notice in its feed and its own records. Pure: the caller reads the feed and the
 * state, this decides which facts and receipts they give.
 * - The sender cannot read its own copies (they are addressed to others): its record of what it
 *   posted says whom for and by when, and the receipts and escalations in its feed are addressed
 *   to it. Without that record its recipients are the ones that answered.
 * - A recipient reads its copy of the notice, and knows its own receipts from its record of it
 *   (they are addressed to the sender, not to it); the other recipients are not visible to it.
 * - The platform reads everything; its read model is the usual source, this the fallback.
 */
import type { DataOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { recipientsOf } from "../addressing.ts";
import type { ReceivedNotice, SentNotice } from "../records.ts";
import { noticeFacts, ownReceipts, receiptOf, recipientStatuses, type NoticeFacts, type ReceiptMessage, type StatusViewer } from "./status.ts";
import { noticeStatusReport, type NoticeStatusReport } from "./status-report.ts";

/** A verified message about a notice, as a feed gives it. */
export type NoticeMessage =
  | ReceiptMessage
  | { type: "notice.posted"; sender: string; data: DataOf<"notice.posted">; storedAt?: string; traceId?: string };

/** The viewer's own records of the notice, from its state. */
export interface ViewerRecords {
  /** It received the notice. */
  received?: ReceivedNotice;
  /** It posted the notice. */
  sent?: SentNotice;
}

/**
 * The status of `noticeId` as `viewer` knows it from `messages` (its feed) and `records` (its
 * state), at `now` (ms); undefined when they hold nothing about the notice. Never throws.
 */
export function noticeStatusFor(
  viewer: StatusViewer, directory: KeyDirectory, noticeId: string, messages: readonly NoticeMessage[], records: ViewerRecords, now: number,
): NoticeStatusReport | undefined {
  const posted = messages.find((m): m is Extract<NoticeMessage, { type: "notice.posted" }> => m.type === "notice.posted" && m.data.noticeId === noticeId);
  const about = messages.filter((m): m is ReceiptMessage => m.type !== "notice.posted"
    && (m.type === "escalation.raised" ? m.data.obligation.reference === noticeId : m.data.noticeId === noticeId));
  const receipts = about.flatMap((m) => receiptOf(m) ?? []);
  const { received, sent } = records;
  if (received) receipts.push(...ownReceipts(viewer.org, received));
  const escalation = about.find((m): m is Extract<ReceiptMessage, { type: "escalation.raised" }> => m.type === "escalation.raised");
  const answered = receipts.some((r) => r.kind !== "delivered");
  const deadline = sent?.ackBy ?? escalation?.data.obligation.deadline;
  // Receipts in a feed are addressed to its organisation: only the sender holds them without the notice.
  const facts: NoticeFacts | undefined = posted ? noticeFacts(directory, posted.data, posted.sender)
    : sent ? { noticeId, sender: viewer.org, recipients: recipientsOf(directory, sent.audiences, viewer.org), ackRequired: deadline !== undefined || answered, ...(deadline ? { ackBy: deadline } : {}) }
    : received ? { noticeId, sender: received.from, recipients: [viewer.org], ackRequired: received.ackRequired, ...(received.ackBy ? { ackBy: received.ackBy } : {}) }
    : receipts.length ? { noticeId, sender: viewer.org, recipients: [], ackRequired: answered, ...(deadline ? { ackBy: deadline } : {}) }
    : undefined;
  if (!facts) return undefined;
  const notice = posted?.data;
  return noticeStatusReport({
    noticeId, title: notice?.title ?? sent?.title ?? received?.title ?? null, category: notice?.category ?? sent?.category ?? received?.category ?? null,
    sender: facts.sender, audiences: notice?.recipients ?? sent?.audiences ?? (received ? [received.audience] : []),
    postedAt: posted?.storedAt ?? sent?.postedAt ?? null, ackRequired: facts.ackRequired, ackBy: facts.ackBy ?? null,
    traceId: posted?.traceId ?? sent?.traceId ?? null,
  }, recipientStatuses(facts, receipts, now, viewer));
}
