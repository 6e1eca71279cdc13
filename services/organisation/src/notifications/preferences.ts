/**
 * Each person chooses which events notify them and how. A person without stored preferences gets
 * the defaults: e-mail for the events marked `byDefault` (urgent notices and deadlines) when the
 * persons file gives them an e-mail address, nothing otherwise. Preferences live in the person's
 * organisation's bucket; only that organisation reads or changes them.
 */
import { SchakelError, type Person } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { EVENT_RULES, NOTIFICATION_EVENTS, type NotificationEvent } from "./events.ts";
import { notificationStoreIn, NotificationChannel, type NotificationStore } from "./records.ts";

/** A person's effective choice per event, and whether it was stored or is the default. */
export interface EffectivePreferences {
  person: string;
  email?: string;
  stored: boolean;
  events: Record<NotificationEvent, NotificationChannel>;
  updatedAt?: string;
}

/** The defaults for a person: e-mail for the default events when they have an address. */
export function defaultChannels(person: Pick<Person, "email">): Record<NotificationEvent, NotificationChannel> {
  return Object.fromEntries(EVENT_RULES.map((r) => [r.event, r.byDefault && person.email ? "email" : "none"])) as Record<NotificationEvent, NotificationChannel>;
}

/** The notification records of the bus's organisation. */
export async function notificationStore(bus: Bus): Promise<NotificationStore> {
  return notificationStoreIn((await orgState(bus)).notices.kv);
}

/** What `person` chose (stored events over the defaults; an unknown stored event is ignored). */
export async function preferencesOf(store: NotificationStore, person: Pick<Person, "id" | "email">): Promise<EffectivePreferences> {
  const stored = await store.preferences.get(person.id);
  const events = defaultChannels(person);
  for (const e of NOTIFICATION_EVENTS) {
    const chosen = stored?.value.events[e];
    if (chosen) events[e] = chosen;
  }
  return { person: person.id, ...(person.email ? { email: person.email } : {}), stored: stored !== undefined, events, ...(stored ? { updatedAt: stored.value.updatedAt } : {}) };
}

/**
 * Sets some of a person's choices (the others stay as they were). Throws SchakelError("schema")
 * naming the event or channel that is unknown, and for e-mail when the person has no address.
 */
export async function setPreferences(store: NotificationStore, person: Pick<Person, "id" | "email">, changes: Record<string, string>, now = new Date()): Promise<EffectivePreferences> {
  const checked: Record<string, NotificationChannel> = {};
  for (const [event, channel] of Object.entries(changes)) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(event)) {
      throw new SchakelError("schema", `unknown notification event "${event}": use one of ${NOTIFICATION_EVENTS.join(", ")}`, { field: "event", event });
    }
    const c = NotificationChannel.safeParse(channel);
    if (!c.success) throw new SchakelError("schema", `unknown channel "${channel}" for ${event}: use email or none`, { field: "channel", event });
    if (c.data === "email" && !person.email) {
      throw new SchakelError("schema", `${person.id} has no e-mail address in the persons file: add "email" there first, or choose none`, { field: "channel", person: person.id });
    }
    checked[event] = c.data;
  }
  await store.preferences.mutate(person.id, (current) => ({ person: person.id, events: { ...(current?.events ?? {}), ...checked }, updatedAt: now.toISOString() }));
  return preferencesOf(store, person);
}
