/**
 * `schakel notify prefs show|set` and `schakel notify list`: which events notify a person and how
 * (e-mail or none), and every notification of an organisation with where its delivery stands
 * (pending, retrying with the last error, delivered, failed, not configured). The person is the
 * one named with --person, else the signed-in person (`schakel login`); preferences live in the
 * person's organisation's bucket, so --as must be that organisation.
 */
import type { Command } from "commander";
import type { Person } from "@schakel/contracts";
import { listNotifications, notificationStore, preferencesOf, setPreferences, EVENT_RULES, NOTIFICATION_EVENTS, type EffectivePreferences, type NotificationRow } from "@schakel/organisation";
import { dataDirOf, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { wholeNumber } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { cliPersons, signedInPerson } from "../session/acting-person.ts";
import { readSession } from "../session/store.ts";

interface NotifyOptions extends GlobalOptions { as: string; person?: string; json?: boolean }

/** The person whose preferences are meant: --person, else the signed-in person; of the organisation --as names. */
function personFor(opts: NotifyOptions): Person {
  const persons = cliPersons(opts);
  let person: Person | undefined;
  if (opts.person) {
    person = persons.find((p) => p.id === opts.person);
    if (!person) throw new CliError(`no person "${opts.person}" in the persons file: "schakel persons list" shows them`, EXIT.usage);
  } else {
    const session = readSession(dataDirOf(opts));
    if (!session) throw new CliError(`name the person with --person <id>, or sign in with "schakel login"`, EXIT.usage);
    person = signedInPerson(session, persons);
  }
  if (person.organisation !== opts.as) {
    throw new CliError(`${person.id} works for ${person.organisation}, not ${opts.as}: use --as ${person.organisation}`, EXIT.usage);
  }
  return person;
}

function renderPreferences(p: EffectivePreferences): string {
  const head = `${color.bold(p.person)} ${p.email ? `<${p.email}>` : color.yellow("(no e-mail address in the persons file)")}${p.stored ? "" : color.dim(" — defaults")}`;
  const rows = EVENT_RULES.map((r) => `  ${r.event.padEnd(16)} ${p.events[r.event] === "email" ? color.green("email") : color.dim("none ")}  ${color.dim(r.description)}`);
  return [head, ...rows].join("\n");
}

function renderRows(rows: NotificationRow[], org: string): string {
  if (!rows.length) return color.dim(`no notifications at ${org}`);
  const status = (r: NotificationRow): string => {
    if (r.status === "delivered") return color.green("delivered");
    if (r.status === "retrying") return color.yellow(`retrying (attempt ${r.attempts}, next ${r.nextAttemptAt ?? "?"})`);
    if (r.status === "failed") return color.red(`failed after ${r.attempts} attempt(s)`);
    return color.dim(r.status);
  };
  return rows.map((r) => `${r.createdAt}  ${r.person.padEnd(14)} ${r.event.padEnd(16)} ${status(r)}\n    ${r.subject}${r.lastError ? `\n    ${color.dim(`last error: ${r.lastError}`)}` : ""}`).join("\n");
}

/** `event=channel` pairs: urgent-notice=email digest=none. */
function parseChanges(pairs: readonly string[]): Record<string, string> {
  if (!pairs.length) throw new CliError(`say what to change, e.g. "urgent-notice=email digest=none" (events: ${NOTIFICATION_EVENTS.join(", ")}; channels: email, none)`, EXIT.usage);
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([a-z-]+)=([a-z]+)$/.exec(pair.trim());
    if (!m) throw new CliError(`"${pair}" is not event=channel, e.g. urgent-notice=email`, EXIT.usage);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function registerNotify(program: Command): void {
  const notify = program.command("notify").description("notifications by e-mail: each person's preferences, and the deliveries with their status");
  const prefs = notify.command("prefs").description("which events notify a person, and how (email or none)");
  prefs.command("show").description("a person's notification preferences (stored, or the defaults)")
    .requiredOption("--as <org>", "the person's organisation")
    .option("--person <id>", "the person (default: the signed-in person)")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<NotifyOptions>();
      const person = personFor(opts);
      return withBus(opts.as, opts, async (bus) => emit(opts, await preferencesOf(await notificationStore(bus), person), renderPreferences));
    });
  prefs.command("set <event=channel...>").description(`change some of a person's choices; events: ${NOTIFICATION_EVENTS.join(", ")}; channels: email, none`)
    .requiredOption("--as <org>", "the person's organisation")
    .option("--person <id>", "the person (default: the signed-in person)")
    .option("--json", "print JSON")
    .action((pairs: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<NotifyOptions>();
      const changes = parseChanges(pairs);
      const person = personFor(opts);
      return withBus(opts.as, opts, async (bus) => emit(opts, await setPreferences(await notificationStore(bus), person, changes), renderPreferences));
    });
  notify.command("list").description("an organisation's notifications, newest first, with each delivery's status, attempts and last error")
    .requiredOption("--as <org>", "the organisation")
    .option("--person <id>", "only this person's")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<NotifyOptions & { limit: string }>();
      const limit = wholeNumber("--limit", opts.limit, 1)!;
      return withBus(opts.as, opts, async (bus) => {
        const rows = await listNotifications(bus, { ...(opts.person ? { person: opts.person } : {}), limit });
        emit(opts, rows, (r) => renderRows(r, opts.as));
      });
    });
}
