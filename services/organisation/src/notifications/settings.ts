/**
 * Where an organisation's notifications go and how hard they are tried: the SMTP server
 * (`SCHAKEL_SMTP_URL`, e.g. smtp://mail.example.be:587), the sender address (`SCHAKEL_MAIL_FROM`),
 * the console's base URL every mail links to (`SCHAKEL_CONSOLE_URL`), the retry schedule and how
 * long before an acknowledgement deadline a reminder goes out. A variable wins over
 * `<data>/notifications.json`, which `schakel up` writes when it starts its local mail sink.
 * Without an SMTP URL, notifications are recorded as `not-configured` and nothing is sent.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { SchakelError } from "@schakel/contracts";

export const SMTP_URL_VARIABLE = "SCHAKEL_SMTP_URL";
export const MAIL_FROM_VARIABLE = "SCHAKEL_MAIL_FROM";
export const CONSOLE_URL_VARIABLE = "SCHAKEL_CONSOLE_URL";
export const NOTIFY_RETRY_VARIABLE = "SCHAKEL_NOTIFY_RETRY";
export const DEADLINE_LEAD_VARIABLE = "SCHAKEL_NOTIFY_DEADLINE_LEAD";

/** The file `schakel up` writes beside connection.json. */
export const NOTIFICATIONS_FILE = "notifications.json";

export interface NotificationSettings {
  /** Absent: notifications are recorded as not configured, never sent. */
  smtpUrl?: string;
  from: string;
  consoleUrl: string;
  /** First retry after this long, doubling per attempt. */
  retryMs: number;
  /** Attempts per notification, the first included. */
  maxAttempts: number;
  /** A deadline reminder goes out this long before an unacknowledged notice's `ackBy`. */
  deadlineLeadMs: number;
  /** The persons file whose e-mail addresses are used (absent: SCHAKEL_PERSONS, else the demo's). */
  personsFile?: string;
}

export const DEFAULT_NOTIFICATION_SETTINGS: Omit<NotificationSettings, "smtpUrl"> = {
  from: "Schakel <noreply@schakel.example.be>",
  consoleUrl: "http://127.0.0.1:8480",
  retryMs: 30_000,
  maxAttempts: 5,
  deadlineLeadMs: 60 * 60_000,
};

const SettingsFile = z.object({
  smtpUrl: z.string().optional(),
  from: z.string().optional(),
  consoleUrl: z.string().optional(),
  personsFile: z.string().optional(),
}).loose();

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(variable: string, text: string | undefined): number | undefined {
  const t = text?.trim().toLowerCase();
  if (!t) return undefined;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(t);
  if (!m) throw new SchakelError("schema", `${variable} "${t.slice(0, 40)}" is not a duration: give one such as 30s, 15m or 1h, or unset it for the default`, { variable });
  return Number(m[1]) * UNITS[m[2]!]!;
}

function url(variable: string, text: string | undefined, protocols: readonly string[]): string | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(t);
  } catch {
    throw new SchakelError("schema", `${variable} is not a URL: give one such as ${protocols[0]}//host:port`, { variable });
  }
  if (!protocols.includes(parsed.protocol)) throw new SchakelError("schema", `${variable} must start with ${protocols.join(" or ")}`, { variable });
  return t.replace(/\/+$/, "");
}

/** Reads `<data>/notifications.json` (absent or unreadable: nothing). */
function fromFile(dataDir: string | undefined): z.infer<typeof SettingsFile> {
  if (!dataDir) return {};
  const file = join(dataDir, NOTIFICATIONS_FILE);
  if (!existsSync(file)) return {};
  try {
    const parsed = SettingsFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * The settings in force: variables, then the data folder's file, then the defaults. Throws
 * SchakelError("schema") naming the variable that is not a URL or duration.
 */
export function notificationSettings(opts: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): NotificationSettings {
  const env = opts.env ?? process.env;
  const file = fromFile(opts.dataDir);
  const smtpUrl = url(SMTP_URL_VARIABLE, env[SMTP_URL_VARIABLE] ?? file.smtpUrl, ["smtp:", "smtps:"]);
  const d = DEFAULT_NOTIFICATION_SETTINGS;
  return {
    ...(smtpUrl ? { smtpUrl } : {}),
    from: env[MAIL_FROM_VARIABLE]?.trim() || file.from || d.from,
    consoleUrl: url(CONSOLE_URL_VARIABLE, env[CONSOLE_URL_VARIABLE] ?? file.consoleUrl, ["http:", "https:"]) ?? d.consoleUrl,
    retryMs: duration(NOTIFY_RETRY_VARIABLE, env[NOTIFY_RETRY_VARIABLE]) ?? d.retryMs,
    maxAttempts: d.maxAttempts,
    deadlineLeadMs: duration(DEADLINE_LEAD_VARIABLE, env[DEADLINE_LEAD_VARIABLE]) ?? d.deadlineLeadMs,
    ...(file.personsFile && !env.SCHAKEL_PERSONS ? { personsFile: file.personsFile } : {}),
  };
}
