/** The organisation's notifications and where each delivery stands, for the console and the CLI. */
import type { Bus } from "@schakel/contracts/bus";
import { notificationStore } from "./preferences.ts";
import type { NotificationRecord } from "./records.ts";

export interface NotificationRow extends NotificationRecord {
  key: string;
}

/** Every notification of the bus's organisation, newest first; `person` keeps one person's. */
export async function listNotifications(bus: Bus, filter: { person?: string; limit?: number } = {}): Promise<NotificationRow[]> {
  const store = await notificationStore(bus);
  const rows = (await store.notifications.list(">", () => {}))
    .map((r) => ({ ...r.value, key: store.notifications.ownKey(r.key) ?? r.key }))
    .filter((r) => !filter.person || r.person === filter.person)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return rows.slice(0, filter.limit ?? rows.length);
}
