/**
 * `schakel notice list`: the notices the platform follows, newest first, each with its progress
 * (open, overdue, complete, informational) and how many recipients acknowledged it. Every row is
 * the platform's one notice-status fold (`noticeStatus` of @schakel/platform), the same the console
 * and `notice status` show.
 */
import type { Command } from "commander";
import { noticeStatus, openPlatformStores, type NoticeStatus } from "@schakel/platform";
import { platformOf } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { oneOf, requireOrganisation, wholeNumber } from "../input/checks.ts";
import { color, emit, readableTime } from "../output.ts";
import { safeText } from "../safe-text.ts";

interface ListOptions extends GlobalOptions { from?: string; to?: string; progress?: string; limit?: string }

const PROGRESS = ["open", "overdue", "complete", "informational"] as const;

/** One notice in the list. */
export interface NoticeRow {
  noticeId: string;
  postedAt: string | null;
  sender: string | null;
  title: string | null;
  progress: NoticeStatus["progress"];
  acknowledged: number;
  expected: number;
  overdue: string[];
  escalated: string[];
}

const rowOf = (s: NoticeStatus): NoticeRow => ({
  noticeId: s.noticeId, postedAt: s.postedAt, sender: s.sender, title: s.title, progress: s.progress,
  acknowledged: s.recipients.filter((r) => r.state === "acknowledged").length, expected: s.recipients.filter((r) => r.state !== "not-visible").length,
  overdue: s.recipients.filter((r) => r.state === "overdue").map((r) => r.org), escalated: s.recipients.filter((r) => r.escalated).map((r) => r.org),
});

const time = (iso: string | null): string => (iso ? readableTime(iso) : "—");
const PAINT: Record<string, (t: string) => string> = { overdue: color.red, open: color.yellow, complete: color.green, informational: color.dim };

function render(rows: NoticeRow[]): string {
  if (!rows.length) return color.dim("no notices");
  return rows.map((r) => [
    `${color.bold(r.noticeId)} ${color.dim(time(r.postedAt))} ${r.sender ?? "?"} "${safeText(r.title ?? "?")}"`,
    `  ${(PAINT[r.progress] ?? ((t: string) => t))(r.progress)} — ${r.acknowledged}/${r.expected} acknowledged`
      + (r.overdue.length ? `; overdue: ${r.overdue.join(", ")}` : "") + (r.escalated.length ? `; escalated: ${r.escalated.join(", ")}` : ""),
  ].join("\n")).join("\n");
}

async function list(opts: ListOptions): Promise<void> {
  const directory = loadDirectory(opts);
  if (opts.from) requireOrganisation(directory, opts.from, "--from");
  if (opts.to) requireOrganisation(directory, opts.to, "--to");
  const progress = opts.progress !== undefined ? oneOf("--progress", opts.progress, PROGRESS) : undefined;
  const limit = wholeNumber("--limit", opts.limit, 1) ?? 20;
  const rows = await withBus(platformOf(directory), opts, async (bus) => {
    const stores = await openPlatformStores(bus);
    const records = (await stores.deliveries.list()).map((r) => r.value)
      .filter((n) => (!opts.from || n.sender === opts.from) && (!opts.to || n.expected.includes(opts.to)))
      .sort((a, b) => (b.postedAt ?? "").localeCompare(a.postedAt ?? ""));
    const found: NoticeRow[] = [];
    for (const record of records) {
      if (found.length >= limit) break;
      const status = await noticeStatus(stores, record.noticeId);
      if (status && (!progress || status.progress === progress)) found.push(rowOf(status));
    }
    return found;
  });
  emit(opts, rows, render);
}

export function registerNoticeList(notice: Command): void {
  notice
    .command("list")
    .description("the notices the platform follows, newest first, with their progress")
    .option("--from <org>", "only notices this organisation posted")
    .option("--to <org>", "only notices for this recipient")
    .option("--progress <progress>", `only notices that are ${PROGRESS.join(", ")}`)
    .option("--limit <n>", "at most this many (default 20)")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => list(cmd.optsWithGlobals<ListOptions>()));
}
