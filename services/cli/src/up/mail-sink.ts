/**
 * The demo's mailbox: unless an SMTP server is configured (SCHAKEL_SMTP_URL), `schakel up` starts a
 * local SMTP server (smtp-server, 127.0.0.1, a free port) that keeps every mail it receives as
 * `<data>/mail/<time>-<n>.eml`, and writes `<data>/notifications.json` so the organisations'
 * notifiers send there and link to this run's console. It accepts mail only from this machine and
 * relays nothing. Removed again on a clean stop, like connection.json.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { SMTPServer } from "smtp-server";
import { closeMailTransports, NOTIFICATIONS_FILE, SMTP_URL_VARIABLE, type NotificationSettings } from "@schakel/organisation";

export interface MailSink {
  /** smtp://127.0.0.1:<port> */
  url: string;
  /** Where the mails are written. */
  dir: string;
  stop(): Promise<void>;
}

/** Starts the sink on a free port; resolves once it listens. */
export async function startMailSink(dataDir: string): Promise<MailSink> {
  const dir = join(dataDir, "mail");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false, size: 1_000_000,
    banner: "schakel up mail sink (development only)",
    onConnect(session, callback) {
      // Only this machine: the sink is the demo's mailbox, never a relay.
      const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(session.remoteAddress);
      callback(local ? undefined : Object.assign(new Error("this mail sink accepts local mail only"), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${++n}.eml`);
      pipeline(stream, createWriteStream(file, { mode: 0o600 })).then(() => callback(), (err: Error) => callback(err));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    stop: async () => {
      closeMailTransports();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the organisations' notifiers read from the data folder (see @schakel/organisation's settings). */
export async function writeNotificationSettings(dataDir: string, settings: Partial<Pick<NotificationSettings, "smtpUrl" | "consoleUrl" | "personsFile">>): Promise<void> {
  await writeFile(join(dataDir, NOTIFICATIONS_FILE), JSON.stringify(settings, null, 2) + "\n", { mode: 0o600 });
}

export async function removeNotificationSettings(dataDir: string): Promise<void> {
  await rm(join(dataDir, NOTIFICATIONS_FILE), { force: true });
}

/** Whether an SMTP server is configured outside `up` (then no sink is started). */
export const configuredSmtp = (env: NodeJS.ProcessEnv = process.env): string | undefined => env[SMTP_URL_VARIABLE]?.trim() || undefined;

/** The host and port of an SMTP URL, without any user or password it carries. */
export function smtpHost(url: string | undefined): string {
  try {
    return url ? new URL(url).host : "(none)";
  } catch {
    return "(not a URL)";
  }
}
