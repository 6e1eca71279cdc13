/**
 * What an organisation keeps about notifying its people, in its own bucket `org-<id>`: each
 * person's preferences (`notify-prefs.<person>`) and each notification with its delivery
 * (`notification.<event>.<message id>.<person>`). Both kinds are new: nothing written before
 * changes. A preference names events by their name, so an event added later reads as its default
 * in preferences stored before, and a name no longer known is kept but ignored.
 */
import { z } from "zod";
import { MessageId, PersonId, Timestamp } from "@schakel/contracts";
import { RecordBucket, type RecordStore } from "@schakel/contracts/bus";
import { ORG_RECORD_PREFIXES } from "../state.ts";

/** How a person is told of an event. */
export const NOTIFICATION_CHANNELS = ["email", "none"] as const;
export const NotificationChannel = z.enum(NOTIFICATION_CHANNELS);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** One person's choices: per event name, a channel; an event not listed takes its default. */
export const NotificationPreferences = z.object({
  person: PersonId,
  events: z.record(z.string(), NotificationChannel),
  updatedAt: Timestamp,
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/**
 * Where a notification stands: `pending` (not tried yet), `retrying` (a failed attempt, another
 * planned at `nextAttemptAt`), `delivered` (the SMTP server took it), `failed` (every attempt
 * failed), `not-configured` (no SMTP server is set; nothing was sent).
 */
export const DELIVERY_STATUSES = ["pending", "retrying", "delivered", "failed", "not-configured"] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** One notification to one person: what it says, and every attempt to deliver it. */
export const NotificationRecord = z.object({
  person: PersonId,
  event: z.string(),
  /** The message it is about (the received copy's envelope id): one notification per event, message and person. */
  messageId: MessageId,
  subject: z.string(),
  /** The mail's text before the link (what happened; no personal or case data, see events.ts). */
  text: z.string(),
  /** The console page it links to, relative to the console's base URL. */
  path: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int().min(0),
  createdAt: Timestamp,
  lastAttemptAt: Timestamp.optional(),
  nextAttemptAt: Timestamp.optional(),
  deliveredAt: Timestamp.optional(),
  lastError: z.string().optional(),
  /** The SMTP server's message id of the delivered mail. */
  mailId: z.string().optional(),
});
export type NotificationRecord = z.infer<typeof NotificationRecord>;

export interface NotificationStore {
  preferences: RecordBucket<typeof NotificationPreferences>;
  notifications: RecordBucket<typeof NotificationRecord>;
}

/** The two record kinds in the organisation's bucket (the store its `OrgState` uses). */
export function notificationStoreIn(kv: RecordStore): NotificationStore {
  const p = ORG_RECORD_PREFIXES;
  return {
    preferences: new RecordBucket(kv, NotificationPreferences, "notification preferences", p.notificationPreferences),
    notifications: new RecordBucket(kv, NotificationRecord, "notification", p.notifications),
  };
}

/** The key of one notification: the same event, message and person is one notification, however often the message arrives. */
export function notificationKey(event: string, messageId: string, person: string): string {
  return `${event}.${messageId}.${person}`;
}
