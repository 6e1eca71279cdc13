/**
 * `schakel notice status NOTICE_ID`: per recipient, when the notice was delivered and
 * acknowledged, whether it is overdue or escalated — as the organisation asking may know it.
 * The status is the organisation package's one fold; this command gathers the viewer's inputs
 * and prints the result. The platform reads its read model (every recipient), or its feed when
 * the read model has no record of the notice; any other organisation reads its own feed and
 * state (`noticeStatusFor` says what the sender and a recipient can know from them).
 * Who acknowledged: the acting person's name where the data folder holds the credentials of their
 * organisation (and the persons file names them), else the pseudonym and role; "its service"
 * when no person was named (and for every acknowledgement of an earlier release).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { traceIdOf } from "@schakel/contracts";
import { actedByText, collectFromFeed, OrgCredentials, PersonIndex, type Bus, type FoundMessage } from "@schakel/contracts/bus";
import { identitiesDir, loadPersons, loadRegistry } from "@schakel/infra";
import { noticeStatus, openPlatformStores } from "@schakel/platform";
import { noticeStatusFor, orgState, platformOf, withActorNames, type NoticeMessage, type NoticeStatusReport, type RecipientState } from "@schakel/organisation";
import { dataDirOf, loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { requireMessageId, requireOrganisation } from "../input/checks.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { color, emit, note, readableTime } from "../output.ts";
import { safeJson, safeText } from "../safe-text.ts";

/** The status, and where it was read: the platform's read model or the viewer's own messages and records. */
export type NoticeStatusView = NoticeStatusReport & { source: "platform" | "record" };

const NOTICE_TYPES = new Set(["notice.posted", "notice.delivered", "notice.acknowledged", "escalation.raised"]);

/** Messages about the notice in the viewer's feed: its copies, the receipts, the escalations. */
const about = (noticeId: string) => (m: FoundMessage): boolean => {
  if (!NOTICE_TYPES.has(m.verdict.type)) return false;
  const d = m.verdict.envelope.data as { noticeId?: string; obligation?: { reference?: string } };
  return d.noticeId === noticeId || d.obligation?.reference === noticeId;
};

/**
 * The notice's status as `bus.org` may know it from its own feed and records, at `now`;
 * undefined when it knows nothing of the notice.
 */
export async function noticeStatusAs(bus: Bus, noticeId: string, platform: string, now = new Date()): Promise<NoticeStatusView | undefined> {
  // Found messages passed every check of the decode path, so their data is of their type.
  const messages = (await collectFromFeed(bus, about(noticeId), { near: noticeId })).map(({ verdict: { type, envelope }, storedAt }) =>
    ({ type, sender: envelope.sender, data: envelope.data, storedAt: storedAt.toISOString(), traceId: traceIdOf(envelope.traceparent), actor: envelope.actor, actorrole: envelope.actorrole }) as NoticeMessage);
  const isPlatform = bus.org === platform;
  const state = isPlatform ? undefined : await orgState(bus);
  const received = (await state?.notices.get(noticeId))?.value;
  const sent = (await state?.sent.get(noticeId))?.value;
  const report = noticeStatusFor({ org: bus.org, platform: isPlatform }, bus.directory, noticeId, messages,
    { ...(received ? { received } : {}), ...(sent ? { sent } : {}) }, now.getTime());
  return report ? { ...report, source: "record" } : undefined;
}

/**
 * Pseudonym → person for the organisations whose credentials the data folder holds, with the
 * persons file (`SCHAKEL_PERSONS` or the default); empty when either cannot be read — the status
 * then shows pseudonyms, which is all a reader without them may see.
 */
export function personIndexOf(opts: GlobalOptions): PersonIndex {
  try {
    const dir = identitiesDir(dataDirOf(opts));
    const credentials = readdirSync(dir).filter((f) => f.endsWith(".creds.json")).flatMap((f) => {
      const parsed = OrgCredentials.safeParse(JSON.parse(readFileSync(join(dir, f), "utf8")));
      return parsed.success ? [parsed.data] : [];
    });
    return credentials.length ? PersonIndex.fromCredentials(loadPersons(undefined, loadRegistry()), credentials) : PersonIndex.empty;
  } catch {
    return PersonIndex.empty;
  }
}

/** Who acknowledged a row, for people: the person (name or pseudonym, with the role) or "its service", and the free-text `--by`. */
function acknowledgedByText(r: NoticeStatusView["recipients"][number]): string {
  if (!r.acknowledgedAt) return "";
  const a = r.acknowledgedActor;
  const who = a ? `${a.name ? safeText(a.name) : a.pseudonym} (${a.role})` : actedByText({ kind: "service" });
  return r.acknowledgedBy ? `${who}, "${safeText(r.acknowledgedBy)}"` : who;
}

const time = (iso: string | null): string => (iso ? readableTime(iso) : "—");

const STATE_TEXT: Record<RecipientState, string> = {
  pending: "pending", delivered: "delivered", acknowledged: "acknowledged", overdue: "overdue", "not-visible": "not visible to you",
};
const PAINT: Record<RecipientState, (t: string) => string> = {
  pending: color.dim, delivered: (t) => t, acknowledged: color.green, overdue: color.red, "not-visible": color.dim,
};

function render(s: NoticeStatusView): string {
  const header = ["RECIPIENT", "DELIVERED", "ACKNOWLEDGED", "BY", "STATE"];
  const rows = s.recipients.map((r) => [
    r.org, time(r.deliveredAt), time(r.acknowledgedAt), acknowledgedByText(r),
    STATE_TEXT[r.state] + (r.late ? " (late)" : "") + (r.escalated ? ` — escalated ${time(r.escalatedAt)}` : ""),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const paint = (r: NoticeStatusView["recipients"][number]) => (r.late ? color.yellow : PAINT[r.state]);
  return [
    `${color.bold(`notice ${s.noticeId}`)} "${safeText(s.title ?? "?")}" from ${s.sender ?? "?"}${s.postedAt ? `, posted ${time(s.postedAt)}` : ""}${s.ackBy ? `, acknowledge by ${time(s.ackBy)}` : ""}`,
    color.dim(line(header)),
    ...s.recipients.map((r, i) => paint(r)(line(rows[i]!))),
  ].join("\n");
}

/** How often `--watch` asks again. */
const WATCH_EVERY_MS = 1_000;

/** The notice is settled: every recipient acknowledged it (or it asks for no acknowledgement and all have it). */
const settled = (s: NoticeStatusView): boolean => s.progress === "complete" || (s.progress === "informational" && s.recipients.every((r) => r.state !== "pending"));

async function status(noticeId: string, opts: GlobalOptions & { as?: string; watch?: boolean }): Promise<void> {
  const directory = loadDirectory(opts);
  const platform = platformOf(directory);
  const as = opts.as ?? platform;
  requireOrganisation(directory, as);
  const unknown = (): CliError =>
    new CliError(`no notice ${noticeId} is known to "${as}": check the id; a sender knows a notice once a recipient received it, a recipient once its copy is stored`, EXIT.usage);
  await withBus(as, opts, async (bus) => {
    const stores = as === platform ? await openPlatformStores(bus) : undefined;
    let persons: PersonIndex | undefined;
    const named = (s: NoticeStatusView | undefined): NoticeStatusView | undefined =>
      s && s.recipients.some((r) => r.acknowledgedActor) ? withActorNames(s, (persons ??= personIndexOf(opts))) : s;
    const read = async (): Promise<NoticeStatusView | undefined> => {
      const fromPlatform = stores ? await noticeStatus(stores, noticeId) : undefined;
      return named(fromPlatform ? { ...fromPlatform, source: "platform" } : await noticeStatusAs(bus, noticeId, platform));
    };
    const first = await read();
    if (!first) throw unknown();
    // --json --watch prints one JSON document per line (NDJSON), one per change.
    const show = (s: NoticeStatusView): void => {
      if (opts.watch && opts.json) process.stdout.write(safeJson(s) + "\n");
      else emit(opts, s, render);
    };
    if (!opts.watch) {
      show(first);
      return;
    }
    // Listening before the first print: a stop right after it must end the watch, not kill the process.
    const stopping = new AbortController();
    const stop = (): void => stopping.abort();
    process.once("SIGINT", stop).once("SIGTERM", stop);
    try {
      show(first);
      await watchStatus(first, read, show, stopping.signal);
    } finally {
      process.off("SIGINT", stop).off("SIGTERM", stop);
    }
  });
}

/** Prints the status again whenever it changes, until it is settled or `stopped` (Ctrl-C / SIGTERM). */
async function watchStatus(first: NoticeStatusView, read: () => Promise<NoticeStatusView | undefined>, show: (s: NoticeStatusView) => void, stopped: AbortSignal): Promise<void> {
  let last = JSON.stringify(first.recipients);
  let current = first;
  if (!settled(current)) note(color.dim("watching — Ctrl-C to stop"));
  while (!settled(current) && !stopped.aborted) {
    await sleep(WATCH_EVERY_MS, undefined, { signal: stopped }).catch(() => undefined);
    if (stopped.aborted) break;
    const next = await read();
    if (!next || JSON.stringify(next.recipients) === last) continue;
    last = JSON.stringify(next.recipients);
    current = next;
    show(next);
  }
  if (settled(current)) note(color.dim("every recipient has it; stopped watching"));
}

export function registerNoticeStatus(notice: Command): void {
  notice
    .command("status")
    .description("per recipient: delivered at, acknowledged at, overdue or escalated")
    .argument("<noticeId>", "the notice id printed by `notice post`")
    .option("--as <org>", "read as this organisation (default: the platform, which follows every recipient)")
    .option("--watch", "print it again on every change, until every recipient acknowledged it (or Ctrl-C)")
    .option("--json", "print JSON (with --watch: one JSON object per change, NDJSON)")
    .action(async (id: string, _o, cmd: Command) => status(requireMessageId(id, "NOTICE_ID", "notice post"), cmd.optsWithGlobals()));
}
