/**
 * Where a notice stands: one pure fold from what is known of a notice (who sent it, whom it is
 * for, its deadline) and the receipts seen for it (delivered, acknowledged, escalated), at a given
 * moment, to one status per recipient, in one vocabulary. The platform, the CLI, the console and
 * tracing each collect these inputs their own way and present the result; none decides a
 * status itself. No I/O and no clock: the moment is an argument, so the answer is repeatable.
 */
import { actorRefOf, type ActorRef, type DataOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { recipientsOf } from "../addressing.ts";
import type { ReceivedNotice } from "../records.ts";

/**
 * Where one recipient stands: `pending` (no receipt yet) → `delivered` → `acknowledged`;
 * `overdue` when an acknowledgement was asked by a deadline that passed without one;
 * `not-visible` when the viewer may not read that recipient's receipts (they are addressed to
 * the sender, not to the other recipients). Escalation is a flag beside the state.
 */
export const RECIPIENT_STATES = ["pending", "delivered", "acknowledged", "overdue", "not-visible"] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** How a notice as a whole is doing over the recipients a viewer can see. */
export const NOTICE_PROGRESS = ["overdue", "open", "complete", "informational"] as const;
export type NoticeProgress = (typeof NOTICE_PROGRESS)[number];

/** What the fold needs to know of the notice itself. */
export interface NoticeFacts {
  noticeId: string;
  sender: string;
  /** The organisations it is for (audiences expanded, sender left out); empty when unknown. */
  recipients: readonly string[];
  ackRequired: boolean;
  /** The acknowledgement deadline (ISO 8601), when there is one. */
  ackBy?: string;
}

/** Something seen about one recipient of a notice; `at` in ms since the epoch. */
export type NoticeReceipt =
  | { kind: "delivered"; recipient: string; at: number }
  | { kind: "acknowledged"; recipient: string; at: number; by?: string; remark?: string; actor?: ActorRef }
  | { kind: "escalated"; recipient: string; at: number; escalationId?: string };

/**
 * An acknowledgement receipt, with who acknowledged (`by`: the free text of the data; `actor`: the
 * acting person of the envelope) and the remark when there are any.
 */
export function acknowledgedReceipt(recipient: string, at: number, by?: string, remark?: string, actor?: ActorRef): NoticeReceipt {
  return { kind: "acknowledged", recipient, at, ...(by ? { by } : {}), ...(remark ? { remark } : {}), ...(actor ? { actor } : {}) };
}

/** One recipient's row; times in ms since the epoch. */
export interface RecipientStatus {
  org: string;
  state: RecipientState;
  deliveredAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  /** The person who acknowledged, as on the wire; absent: its service (or an earlier release). */
  acknowledgedActor?: ActorRef;
  remark?: string;
  /** Acknowledged after the deadline: by how many ms. */
  lateMs?: number;
  escalated: boolean;
  escalatedAt?: number;
  escalationId?: string;
}

/** Who looks at the notice: the platform and the sender see every recipient, a recipient only itself. */
export interface StatusViewer {
  org: string;
  platform: boolean;
}

/** True when `viewer` may read the receipts of `recipient` (no viewer: everything is visible). */
export function seesReceiptsOf(viewer: StatusViewer | undefined, sender: string, recipient: string): boolean {
  return !viewer || viewer.platform || viewer.org === sender || viewer.org === recipient;
}

/** The facts of a notice from one of its `notice.posted` copies: its audiences expanded through the directory. */
export function noticeFacts(directory: KeyDirectory, data: DataOf<"notice.posted">, sender: string): NoticeFacts {
  return {
    noticeId: data.noticeId, sender, recipients: recipientsOf(directory, data.recipients, sender), ackRequired: data.ackRequired,
    ...(data.ackBy ? { ackBy: data.ackBy } : {}),
  };
}

/** A stored message about a notice, as readers hold it. */
export type ReceiptMessage =
  | { type: "notice.delivered"; sender: string; data: DataOf<"notice.delivered"> }
  | { type: "notice.acknowledged"; sender: string; data: DataOf<"notice.acknowledged">; actor?: string | undefined; actorrole?: string | undefined }
  | { type: "escalation.raised"; sender: string; data: DataOf<"escalation.raised"> };

/**
 * The receipt a message stands for, timed as its data says (when the recipient received or
 * acknowledged it, when the platform found the deadline missed). Undefined for a receipt whose
 * `recipient` is not its sender: nobody may deliver or acknowledge for another organisation.
 */
export function receiptOf(m: ReceiptMessage): NoticeReceipt | undefined {
  switch (m.type) {
    case "notice.delivered":
      return m.data.recipient === m.sender ? { kind: "delivered", recipient: m.sender, at: Date.parse(m.data.deliveredAt) } : undefined;
    case "notice.acknowledged": {
      const { recipient, acknowledgedAt, acknowledgedBy, remark } = m.data;
      return recipient === m.sender ? acknowledgedReceipt(recipient, Date.parse(acknowledgedAt), acknowledgedBy, remark, actorRefOf(m)) : undefined;
    }
    case "escalation.raised":
      return m.data.obligation.kind === "acknowledgement"
        ? { kind: "escalated", recipient: m.data.obligation.owedBy, at: Date.parse(m.data.missedAt), escalationId: m.data.escalationId }
        : undefined;
  }
}

/**
 * A recipient's own receipts, from its record of the notice: it received the notice when it
 * recorded it (the time its delivery receipt states) and acknowledged it when the record says so.
 * Its receipts are addressed to the sender, so this is how a recipient knows its own row.
 */
export function ownReceipts(org: string, notice: ReceivedNotice): NoticeReceipt[] {
  const received: NoticeReceipt = { kind: "delivered", recipient: org, at: Date.parse(notice.receivedAt) };
  const ack = notice.acknowledgement;
  if (!ack) return [received];
  return [received, acknowledgedReceipt(org, Date.parse(ack.acknowledgedAt), ack.by, ack.remark, ack.actor)];
}

/**
 * Folds a notice and its receipts into one row per recipient, sorted by organisation id, as
 * `viewer` may see them at `now` (ms). Recipients come from the notice and from the receipts
 * (a sender that cannot read its own copies knows its recipients by their receipts); the
 * sender itself is never a recipient. The first receipt of each kind counts. Never throws.
 */
export function recipientStatuses(notice: NoticeFacts, receipts: Iterable<NoticeReceipt>, now: number, viewer?: StatusViewer): RecipientStatus[] {
  const seen = new Map<string, { delivered?: NoticeReceipt; acknowledged?: NoticeReceipt & { kind: "acknowledged" }; escalated?: NoticeReceipt & { kind: "escalated" } }>();
  for (const org of notice.recipients) seen.set(org, {});
  for (const r of receipts) {
    if (r.recipient === notice.sender) continue;
    let s = seen.get(r.recipient);
    if (!s) seen.set(r.recipient, (s = {}));
    if (r.kind === "delivered") s.delivered ??= r;
    else if (r.kind === "acknowledged") s.acknowledged ??= r;
    else s.escalated ??= r;
  }
  const deadline = notice.ackRequired && notice.ackBy ? Date.parse(notice.ackBy) : undefined;
  return [...seen.keys()].sort().map((org): RecipientStatus => {
    if (!seesReceiptsOf(viewer, notice.sender, org)) return { org, state: "not-visible", escalated: false };
    const { delivered, acknowledged: ack, escalated } = seen.get(org)!;
    // An acknowledgement implies the notice arrived, even when no delivery receipt was seen.
    const deliveredAt = delivered?.at ?? ack?.at;
    const state: RecipientState = ack ? "acknowledged" : deadline !== undefined && now > deadline ? "overdue" : deliveredAt !== undefined ? "delivered" : "pending";
    return {
      org, state, escalated: escalated !== undefined,
      ...(deliveredAt !== undefined ? { deliveredAt } : {}),
      ...(ack ? { acknowledgedAt: ack.at, ...(ack.by ? { acknowledgedBy: ack.by } : {}), ...(ack.actor ? { acknowledgedActor: ack.actor } : {}), ...(ack.remark ? { remark: ack.remark } : {}) } : {}),
      ...(ack && deadline !== undefined && ack.at > deadline ? { lateMs: ack.at - deadline } : {}),
      ...(escalated ? { escalatedAt: escalated.at, ...(escalated.escalationId ? { escalationId: escalated.escalationId } : {}) } : {}),
    };
  });
}

/** Counts over the visible rows, and the notice's progress: overdue wins, then open until all acknowledged. */
export function noticeProgress(ackRequired: boolean, rows: readonly RecipientStatus[]): { progress: NoticeProgress; expected: number; delivered: number; acknowledged: number; overdue: number } {
  const visible = rows.filter((r) => r.state !== "not-visible");
  const delivered = visible.filter((r) => r.deliveredAt !== undefined).length;
  const acknowledged = visible.filter((r) => r.state === "acknowledged").length;
  const overdue = visible.filter((r) => r.state === "overdue").length;
  const progress: NoticeProgress = !ackRequired ? "informational" : overdue > 0 ? "overdue" : acknowledged < visible.length ? "open" : "complete";
  return { progress, expected: visible.length, delivered, acknowledged, overdue };
}
