/**
 * The demo's notification step: the organisations' notifiers mail a notice to the persons whose
 * preferences ask for it, and `schakel up`'s local mail sink keeps each mail as
 * `<data>/mail/*.eml`. The step reads those files — recipient, subject, console link — so what it
 * says is what really arrived; it waits a bounded time and says so when nothing came.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { safeText } from "../../safe-text.ts";
import { readNotificationMail, type NotificationMail } from "./mail-message.ts";
import type { PartiesStep } from "./parties.ts";
import { retryUntil } from "./retry.ts";

export interface ArrivedMail extends NotificationMail {
  /** The file's name in the mail folder. */
  file: string;
}

/** How long no further mail must arrive before the step tells what came (a notice brings an urgent mail and a deadline reminder together). */
const QUIET_MS = 600;
const WAIT_MS = 10_000;

/** The mails in `dir` that link to the console page `path` (e.g. /notices/<id>), oldest first. */
export async function mailsLinkingTo(dir: string, path: string): Promise<ArrivedMail[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".eml")).sort();
  const mails = await Promise.all(names.map(async (file) => {
    // A file the sink is still writing has no body yet, or no link: it is read again at the next look.
    const mail = readNotificationMail(await readFile(join(dir, file), "utf8").catch(() => ""));
    return mail?.link?.endsWith(path) ? { ...mail, file } : undefined;
  }));
  return mails.filter((m): m is ArrivedMail => m !== undefined);
}

/**
 * Waits (about 10 s at most) for the mails about notice `noticeId` in `mailDir` and says who got
 * what; `org` is an addressee whose persons the suggested commands name. Resolves with the mails read.
 */
export async function showNoticeMails(step: PartiesStep, opts: { mailDir: string | undefined; noticeId: string; org: string; person: string }): Promise<ArrivedMail[]> {
  const { say } = step;
  const { mailDir, org, person } = opts;
  const see = `preferences: npx schakel notify prefs show --as ${org} --person ${person}; deliveries: npx schakel notify list --as ${org}`;
  if (!mailDir) {
    say(`   (notifications go to the configured SMTP server, not to a local mail sink — ${see})`);
    return [];
  }
  let count = -1;
  let changedAt = Date.now();
  const mails = await retryUntil(() => mailsLinkingTo(mailDir, `/notices/${opts.noticeId}`), (found) => {
    if (found.length !== count) [count, changedAt] = [found.length, Date.now()];
    return found.length > 0 && Date.now() - changedAt >= QUIET_MS;
  }, step.signal, WAIT_MS);
  if (!mails.length) {
    say(`   (no mail about the notice reached ${mailDir} within ${WAIT_MS / 1000} s — ${see})`);
    return [];
  }
  say(`   the mail sink received ${mails.length} mail(s) about the notice, in ${mailDir}:`);
  for (const m of mails) say(`   → ${safeText(m.to)} — ${safeText(m.subject)} — ${safeText(m.link ?? "")}`);
  say(`   (${see})`);
  return mails;
}
