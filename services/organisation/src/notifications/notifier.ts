/**
 * An organisation's notifier: told by its inbox handlers what they recorded, it decides who wants
 * to hear of it (preferences), records one notification per event, message and person in the
 * organisation's bucket — created once, so a redelivered message never notifies twice — and
 * sends it. A failed send is tried again after `retryMs`, doubling, up to `maxAttempts`; every
 * attempt is written to the record, which the console's notifications page and
 * `schakel notify list` show. Sending never holds up the inbox: the handler waits only for the
 * records.
 *
 * Cost per organisation: no consumer and no connection of its own (it rides on the service's
 * inbox and the process's SMTP transport), one timer per notice awaiting its acknowledgement
 * deadline and per planned retry, and one look at its own records a few seconds after start —
 * only when one of its persons has an e-mail address.
 */
import { newMessageId, type Person } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import type { ReceivedNotice } from "../records.ts";
import { deadlineContent, rulesFor, type EventSource, type NotificationContent, type NotificationEvent } from "./events.ts";
import { sendMail } from "./mailer.ts";
import { personsOf } from "./persons.ts";
import { notificationStore, preferencesOf } from "./preferences.ts";
import { notificationKey, type NotificationRecord, type NotificationStore } from "./records.ts";
import { DEFAULT_NOTIFICATION_SETTINGS, notificationSettings, type NotificationSettings } from "./settings.ts";

export interface NotifierOptions {
  settings?: NotificationSettings;
  /** Where the settings file is (`<data>/notifications.json`) when `settings` is not given. */
  dataDir?: string;
  /** Told of every attempt's outcome (logs, tests). */
  onAttempt?: (record: NotificationRecord) => void;
  onError?: (err: unknown) => void;
  /** Wait before the first look at the records (resuming retries and deadlines after a restart). Default 5–15 s. */
  resumeAfterMs?: number;
}

const MAX_TIMER_MS = 2_147_000_000;
const SETTINGS_FRESH_MS = 5_000;

export class Notifier {
  readonly #bus: Bus;
  readonly #opts: NotifierOptions;
  #settings: NotificationSettings | undefined;
  #settingsProblem: string | undefined;
  #settingsAt = 0;
  #store: Promise<NotificationStore> | undefined;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #sending = new Set<string>();
  #stopped = false;

  constructor(bus: Bus, opts: NotifierOptions = {}) {
    this.#bus = bus;
    this.#opts = opts;
    if (opts.settings) this.#settings = opts.settings;
    // Spread over a few seconds, so hundreds of organisations starting together do not look at once.
    const resume = setTimeout(() => void this.resume().catch((err) => this.#opts.onError?.(err)), opts.resumeAfterMs ?? 5_000 + Math.random() * 10_000);
    resume.unref();
    this.#timers.set("resume", resume);
    void bus.closed().then(() => this.stop());
  }

  get org(): string {
    return this.#bus.org;
  }

  /** The settings in force (read once, from the options or the data folder and environment). */
  get settings(): NotificationSettings {
    // Read again now and then: `schakel up` writes the console's address once the console runs.
    if (!this.#opts.settings && Date.now() - this.#settingsAt > SETTINGS_FRESH_MS) this.#settings = undefined;
    if (!this.#settings) {
      this.#settingsAt = Date.now();
      this.#settingsProblem = undefined;
      try {
        this.#settings = notificationSettings(this.#opts.dataDir ? { dataDir: this.#opts.dataDir } : {});
      } catch (err) {
        // A bad setting must not stop the inbox: nothing is sent, each record says why.
        this.#opts.onError?.(err);
        this.#settingsProblem = err instanceof Error ? err.message : String(err);
        this.#settings = { ...DEFAULT_NOTIFICATION_SETTINGS };
      }
    }
    return this.#settings;
  }

  /** The organisation's enabled persons with an e-mail address: only they can be notified. */
  #mailable(): Person[] {
    return personsOf(this.org, this.settings.personsFile).filter((p) => p.email);
  }

  #records(): Promise<NotificationStore> {
    this.#store ??= notificationStore(this.#bus);
    return this.#store;
  }

  /** A message the organisation's service recorded: notify whoever wants to hear of it. */
  async observe(m: EventSource): Promise<void> {
    // The rules first: most messages match none, and then the persons are not looked at.
    const matched = rulesFor(m.type).filter((rule) => rule.content && rule.matches?.(m));
    const watch = m.type === "notice.posted" && m.data.ackBy !== undefined;
    if ((!matched.length && !watch) || !this.#mailable().length) return;
    for (const rule of matched) await this.notify(rule.event, m.id, rule.content!(m));
    if (watch) {
      const notice = await (await orgState(this.#bus)).notices.get(String(m.data.noticeId));
      if (notice) this.watchDeadline(notice.value);
    }
  }

  /** Records the notification for every person who chose e-mail for `event`, and sends the new ones. */
  async notify(event: NotificationEvent, messageId: string, content: NotificationContent, now = new Date()): Promise<NotificationRecord[]> {
    const store = await this.#records();
    const created: NotificationRecord[] = [];
    // Only persons with an address can be mailed: the others cost nothing, not even a read.
    for (const person of this.#mailable()) {
      const prefs = await preferencesOf(store, person);
      if (prefs.events[event] !== "email") continue;
      const key = notificationKey(event, messageId, person.id);
      const record: NotificationRecord = {
        person: person.id, event, messageId, subject: content.subject, text: content.text, path: content.path, status: "pending", attempts: 0, createdAt: now.toISOString(),
      };
      const outcome = await store.notifications.create(key, record);
      if (!outcome.created) continue;
      created.push(record);
      this.#later(key, 0);
    }
    return created;
  }

  /** Plans the reminder `deadlineLeadMs` before a received notice's acknowledgement deadline. */
  watchDeadline(notice: ReceivedNotice): void {
    if (!notice.ackRequired || !notice.ackBy || notice.acknowledgement || this.#stopped) return;
    const key = `deadline:${notice.noticeId}`;
    if (this.#timers.has(key)) return;
    const due = Date.parse(notice.ackBy) - this.settings.deadlineLeadMs;
    if (Date.parse(notice.ackBy) <= Date.now()) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      void this.#remind(notice.noticeId).catch((err) => this.#opts.onError?.(err));
    }, Math.min(Math.max(0, due - Date.now()), MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(key, timer);
  }

  async #remind(noticeId: string): Promise<void> {
    const current = await (await orgState(this.#bus)).notices.get(noticeId);
    const n = current?.value;
    if (!n?.ackBy || n.acknowledgement) return;
    await this.notify("deadline", n.message.id, deadlineContent({ noticeId: n.noticeId, from: n.from, title: n.title, category: n.category, ackBy: n.ackBy, person: n.person }));
  }

  /** After a restart: sends what was pending, plans the retries and the deadline reminders again. */
  async resume(): Promise<void> {
    // An organisation nobody can be mailed at (most, at national scale) has nothing to resume.
    if (!this.#mailable().length) return;
    const state = await orgState(this.#bus);
    for (const n of await state.notices.list(">", () => {})) this.watchDeadline(n.value);
    const store = await this.#records();
    for (const r of await store.notifications.list(">", () => {})) {
      if (r.value.status !== "pending" && r.value.status !== "retrying") continue;
      const key = store.notifications.ownKey(r.key) ?? r.key;
      const wait = r.value.nextAttemptAt ? Date.parse(r.value.nextAttemptAt) - Date.now() : 0;
      this.#later(key, Math.max(0, wait));
    }
  }

  #later(key: string, ms: number): void {
    if (this.#stopped) return;
    const timerKey = `send:${key}`;
    clearTimeout(this.#timers.get(timerKey));
    const timer = setTimeout(() => {
      this.#timers.delete(timerKey);
      void this.#attempt(key).catch((err) => this.#opts.onError?.(err));
    }, Math.min(ms, MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(timerKey, timer);
  }

  /** One attempt: sends and writes the outcome (compare-and-set, so two attempts never both count). */
  async #attempt(key: string): Promise<void> {
    if (this.#sending.has(key) || this.#stopped) return;
    this.#sending.add(key);
    try {
      const store = await this.#records();
      const stored = await store.notifications.get(key);
      if (!stored || (stored.value.status !== "pending" && stored.value.status !== "retrying")) return;
      const r = stored.value;
      const { smtpUrl, from, consoleUrl, retryMs, maxAttempts } = this.settings;
      const person = personsOf(this.org, this.settings.personsFile).find((p) => p.id === r.person);
      const now = new Date();
      let next: NotificationRecord;
      if (!smtpUrl) {
        next = { ...r, status: "not-configured", lastAttemptAt: now.toISOString(), lastError: this.#settingsProblem ?? "no SMTP server is configured (SCHAKEL_SMTP_URL)" };
      } else if (!person?.email) {
        next = { ...r, status: "failed", lastAttemptAt: now.toISOString(), lastError: `${r.person} has no e-mail address (or is disabled) in the persons file` };
      } else {
        const link = `${consoleUrl}${r.path}`;
        const body = `${r.text}\n\nOpen it in the console (sign in first):\n${link}\n\n` +
          `You receive this because of your notification preferences in Schakel (${consoleUrl}/notifications/preferences).\n`;
        try {
          const mailId = await sendMail(smtpUrl, { from, to: person.email, subject: r.subject, text: body, id: newMessageId() });
          next = { ...r, status: "delivered", attempts: r.attempts + 1, lastAttemptAt: now.toISOString(), deliveredAt: new Date().toISOString(), mailId };
          delete next.nextAttemptAt;
        } catch (err) {
          const attempts = r.attempts + 1;
          const lastError = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 300);
          const wait = retryMs * 2 ** (attempts - 1);
          next = attempts >= maxAttempts
            ? { ...r, status: "failed", attempts, lastAttemptAt: now.toISOString(), lastError }
            : { ...r, status: "retrying", attempts, lastAttemptAt: now.toISOString(), lastError, nextAttemptAt: new Date(now.getTime() + wait).toISOString() };
          if (next.status === "failed") delete next.nextAttemptAt;
        }
      }
      const written = await store.notifications.update(key, next, stored.revision);
      if (!written.ok) return;
      this.#opts.onAttempt?.(next);
      if (next.status === "retrying" && next.nextAttemptAt) this.#later(key, Date.parse(next.nextAttemptAt) - Date.now());
    } finally {
      this.#sending.delete(key);
    }
  }

  /** Stops every timer (the connection closes); records stay, a restart resumes from them. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}

const notifiers = new WeakMap<Bus, Notifier>();

/** The notifier of the bus's organisation, made at first use (one per connection). */
export function notifierFor(bus: Bus, opts: NotifierOptions = {}): Notifier {
  let n = notifiers.get(bus);
  if (!n) {
    n = new Notifier(bus, opts);
    notifiers.set(bus, n);
  }
  return n;
}
