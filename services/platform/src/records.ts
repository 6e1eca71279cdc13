/**
 * What the platform keeps in its buckets: obligations (`obligations`), the delivery record of
 * every notice and each recipient's receipts of it (`deliveries`) and the digest windows per
 * municipality (`digests`). Each record
 * is a fact sheet updated with compare-and-set; escalation and digest publication go through an
 * intent state first, so a restarted platform finishes what it started with the same ids.
 */
import { z } from "zod";
import { ActorRef, Audience, CaseRef, DigestItem, MessageId, NoticeCategory, ObligationKind, OrgId, Timestamp } from "@schakel/contracts";
import { MessageRef } from "@schakel/organisation";

/**
 * Keys of the obligations bucket: `ack.<noticeId>.<org>`, `response.<requestId>.<org>`,
 * `task.<taskId>.<org>`, and for signals `signal-ack.<signalId>.<org>` and `signal-report.<signalId>.<org>`.
 */
const KEY_KIND = { acknowledgement: "ack", response: "response", "case-task": "task", "signal-acknowledgement": "signal-ack", "signal-report": "signal-report" } as const;
export const obligationKey = (kind: ObligationKind, reference: string, owedBy: string): string => `${KEY_KIND[kind]}.${reference}.${owedBy}`;
/** KV key filter of every obligation of one notice or request. */
export const obligationsOfFilter = (kind: ObligationKind, reference: string): string => `${KEY_KIND[kind]}.${reference}.*`;

export const Escalation = z.object({
  escalationId: MessageId,
  /** `pending`: decided and being published; `published`: every copy is stored. */
  state: z.enum(["pending", "published"]),
  missedAt: Timestamp,
  audiences: z.array(OrgId),
  publishedAt: Timestamp.optional(),
  messageIds: z.array(MessageId),
  /** Audiences whose copy the platform has read back from the stream: stored for certain. */
  stored: z.array(OrgId).optional(),
});
export type Escalation = z.infer<typeof Escalation>;

/**
 * One organisation's obligation to acknowledge a notice or answer a request by a deadline. A
 * record without deadline is a placeholder: its closing message arrived before the message that
 * opened it, and it stays closed when that one is processed.
 */
export const Obligation = z.object({
  key: z.string(),
  kind: ObligationKind,
  reference: MessageId,
  owedBy: OrgId,
  owedTo: OrgId,
  deadline: Timestamp.optional(),
  title: z.string().optional(),
  sourceMessageId: MessageId.optional(),
  source: MessageRef.optional(),
  createdAt: Timestamp,
  closedAt: Timestamp.optional(),
  closedBy: MessageId.optional(),
  escalation: Escalation.optional(),
  /** The case a follow-up task belongs to (case-task obligations only; its closing ends them). */
  caseRef: CaseRef.optional(),
});
export type Obligation = z.infer<typeof Obligation>;

export const Receipt = z.object({
  deliveredAt: Timestamp.optional(),
  acknowledgedAt: Timestamp.optional(),
  acknowledgedBy: z.string().optional(),
  remark: z.string().optional(),
  /** The person who acknowledged, as on the wire (absent: its service, or a record of an earlier release). */
  actor: ActorRef.optional(),
});
export type Receipt = z.infer<typeof Receipt>;

/**
 * One recipient's receipts of one notice (key `<noticeId>.<recipient>`, kept beside the notice's
 * record in the bucket `deliveries`): written by that recipient's receipts only, so the work per
 * receipt does not grow with the number of recipients.
 */
export const DeliveryReceipt = Receipt.extend({
  noticeId: MessageId,
  recipient: OrgId,
});
export type DeliveryReceipt = z.infer<typeof DeliveryReceipt>;

/** Key of one recipient's receipts of a notice, and the KV key filter of every recipient's. */
export const deliveryReceiptKey = (noticeId: string, recipient: string): string => `${noticeId}.${recipient}`;
export const deliveryReceiptsOfFilter = (noticeId: string): string => `${noticeId}.*`;

/**
 * The delivery record of one notice (key: the notice id). Fields of the notice itself are absent
 * until a copy was seen. `receipts` is what the previous release kept here, every recipient in this
 * one value rewritten at each receipt; this release keeps each recipient's in a {@link DeliveryReceipt}
 * and only reads this field (read-models.ts merges both).
 */
export const NoticeRecord = z.object({
  noticeId: MessageId,
  sender: OrgId.optional(),
  title: z.string().optional(),
  category: NoticeCategory.optional(),
  audiences: z.array(Audience),
  expected: z.array(OrgId),
  ackRequired: z.boolean().optional(),
  ackBy: Timestamp.optional(),
  postedAt: Timestamp.optional(),
  traceId: z.string().optional(),
  copies: z.record(z.string(), MessageId),
  receipts: z.record(z.string(), Receipt).optional(),
});
export type NoticeRecord = z.infer<typeof NoticeRecord>;

export const DigestWindow = z.object({
  windowStart: Timestamp,
  windowEnd: Timestamp,
  items: z.array(DigestItem),
});
export type DigestWindow = z.infer<typeof DigestWindow>;

/** The digest state of one municipality (key: its id). */
export const DigestState = z.object({
  municipality: OrgId,
  open: DigestWindow.optional(),
  /** Closed windows whose digest is being published (normally at most one). */
  pending: z.array(DigestWindow.extend({ digestId: MessageId })),
  /** Update ids already bundled in a closed window, so a redelivered update is not bundled twice. */
  bundled: z.array(MessageId),
  published: z.array(z.object({
    digestId: MessageId, windowStart: Timestamp, windowEnd: Timestamp, items: z.number().int(), publishedAt: Timestamp, messageId: MessageId,
    /** What the municipality confirmed reading, one entry per `digest.read` (digest-reads.ts); absent in earlier records. */
    reads: z.array(z.object({ messageId: MessageId, readAt: Timestamp, items: z.array(MessageId) })).optional(),
  })),
});
export type DigestState = z.infer<typeof DigestState>;
