/**
 * `schakel notice status NOTICE_ID`: the matrix of one notice — per recipient when it was
 * delivered, when it was acknowledged, whether it is overdue and escalated. Read as the platform
 * from its read model (the platform's delivery records and obligations); when the platform has no
 * record of the notice, or another organisation asks, the matrix is rebuilt from the messages
 * themselves (copies, receipts, acknowledgements, escalations) that organisation may read.
 */
import type { Command } from "commander";
import type { DataOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { noticeStatus, openPlatformStores, type NoticeStatus, type RecipientState, type RecipientStatus } from "@schakel/platform";
import { recipientsOf } from "@schakel/organisation";
import { loadDirectory, platformOrg, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { collectMessages } from "../feed/find.ts";
import type { FeedItem } from "../feed/item.ts";
import { requireMessageId, requireOrganisation } from "../input/checks.ts";
import { color, emit } from "../output.ts";

/** Folds the stored messages about one notice into its status matrix at `now`. */
export function noticeStatusFromRecord(directory: KeyDirectory, items: FeedItem[], now = new Date()): NoticeStatus | undefined {
  const first = items.find((i) => i.type === "notice.posted");
  if (!first) return undefined;
  const notice = first.data as DataOf<"notice.posted">;
  const ackBy = notice.ackBy ?? null;
  const of = <T extends "notice.delivered" | "notice.acknowledged">(type: T, org: string) =>
    items.find((i) => i.type === type && (i.data as DataOf<T>).recipient === org)?.data as DataOf<T> | undefined;
  const recipients = recipientsOf(directory, notice.recipients, first.sender).map((org): RecipientStatus => {
    const ack = of("notice.acknowledged", org);
    const escalation = items.find((i) => i.type === "escalation.raised" && (i.data as DataOf<"escalation.raised">).obligation.owedBy === org);
    const acknowledgedAt = ack?.acknowledgedAt ?? null;
    const late = !!(ackBy && acknowledgedAt && acknowledgedAt > ackBy);
    const overdue = !!ackBy && (acknowledgedAt ? late : now.toISOString() > ackBy);
    const state: RecipientState = !notice.ackRequired ? (acknowledgedAt ? "acknowledged" : "no-ack-required")
      : acknowledgedAt ? (late ? "acknowledged-late" : "acknowledged") : overdue ? "overdue" : "waiting";
    return {
      org, deliveredAt: of("notice.delivered", org)?.deliveredAt ?? null, acknowledgedAt, acknowledgedBy: ack?.acknowledgedBy ?? null,
      remark: ack?.remark ?? null, overdue, escalated: !!escalation, escalatedAt: escalation?.storedAt ?? null,
      escalationId: (escalation?.data as DataOf<"escalation.raised"> | undefined)?.escalationId ?? null, state,
    };
  });
  return {
    noticeId: notice.noticeId, title: notice.title, category: notice.category, sender: first.sender, audiences: notice.recipients,
    postedAt: first.storedAt, ackRequired: notice.ackRequired, ackBy, traceId: first.traceId ?? null, recipients,
  };
}

const time = (iso: string | null): string => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");

function render(s: NoticeStatus): string {
  const paint: Record<RecipientState, (t: string) => string> = {
    acknowledged: color.green, "acknowledged-late": color.yellow, overdue: color.red, waiting: color.dim, "no-ack-required": color.dim,
  };
  const header = ["RECIPIENT", "DELIVERED", "ACKNOWLEDGED", "STATE"];
  const rows = s.recipients.map((r) => [r.org, time(r.deliveredAt), time(r.acknowledgedAt), r.state + (r.escalated ? ` — escalated ${time(r.escalatedAt)}` : "")]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [
    `${color.bold(`notice ${s.noticeId}`)} "${s.title ?? "?"}" from ${s.sender ?? "?"}, posted ${time(s.postedAt)}${s.ackBy ? `, acknowledge by ${time(s.ackBy)}` : ""}`,
    color.dim(line(header)),
    ...s.recipients.map((r, i) => paint[r.state](line(rows[i]!))),
  ].join("\n");
}

async function status(noticeId: string, opts: GlobalOptions & { as?: string }): Promise<void> {
  const directory = loadDirectory(opts);
  const platform = platformOrg(directory);
  const as = opts.as ?? platform;
  requireOrganisation(directory, as);
  const result = await withBus(as, opts, async (bus) => {
    if (as === platform) {
      const fromPlatform = await noticeStatus(await openPlatformStores(bus), noticeId);
      if (fromPlatform) return { ...fromPlatform, source: "platform" as const };
    }
    const items = await collectMessages(bus, noticeId, (i) => {
      const d = i.data as { noticeId?: string; obligation?: { reference?: string } } | undefined;
      return d?.noticeId === noticeId || (i.type === "escalation.raised" && d?.obligation?.reference === noticeId);
    });
    const fromRecord = noticeStatusFromRecord(directory, items);
    return fromRecord ? { ...fromRecord, source: "record" as const } : undefined;
  });
  if (!result) throw new CliError(`no notice ${noticeId} is known to "${as}": check the id`, EXIT.usage);
  emit(opts, result, render);
}

export function registerNoticeStatus(notice: Command): void {
  notice
    .command("status")
    .description("per recipient: delivered at, acknowledged at, overdue or escalated")
    .argument("<noticeId>", "the notice id printed by `notice post`")
    .option("--as <org>", "read as this organisation (default: the platform, which follows every recipient)")
    .option("--json", "print JSON")
    .action(async (id: string, _o, cmd: Command) => status(requireMessageId(id, "NOTICE_ID", "notice post"), cmd.optsWithGlobals()));
}
