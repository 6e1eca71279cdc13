/**
 * `schakel notice status NOTICE_ID`: the matrix of one notice — per recipient when it was
 * delivered, when it was acknowledged, whether it is overdue and escalated. Built from the record
 * itself (the notice's copies, delivery receipts, acknowledgements and escalations), read as the
 * platform by default, which sees every message between the levels.
 */
import type { Command } from "commander";
import type { DataOf } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";
import { loadDirectory, platformOrg, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { collectMessages } from "../feed/find.ts";
import type { FeedItem } from "../feed/item.ts";
import { requireMessageId, requireOrganisation } from "../input/checks.ts";
import { color, emit } from "../output.ts";

export type RecipientState = "acknowledged" | "acknowledged-late" | "overdue" | "waiting" | "no-ack-required";

export interface RecipientStatus {
  org: string;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  remark: string | null;
  escalatedAt: string | null;
  state: RecipientState;
}

export interface NoticeStatus {
  noticeId: string;
  title: string;
  sender: string;
  postedAt: string;
  ackBy: string | null;
  traceId: string | null;
  recipients: RecipientStatus[];
}

/** The organisations an audience list reaches (groups expanded), without the sender. */
function recipientsOf(directory: KeyDirectory, audiences: string[], sender: string): string[] {
  const orgs = audiences.flatMap((a) => directory.members(a).map((o) => o.id));
  return [...new Set(orgs)].filter((o) => o !== sender);
}

/** Folds the messages about one notice into its status matrix at `now`. */
export function noticeStatusOf(directory: KeyDirectory, items: FeedItem[], now = new Date()): NoticeStatus | undefined {
  const copies = items.filter((i) => i.type === "notice.posted");
  const first = copies[0];
  if (!first) return undefined;
  const notice = first.data as DataOf<"notice.posted">;
  const ackBy = notice.ackBy ?? null;
  const rows = recipientsOf(directory, notice.recipients, first.sender).map((org): RecipientStatus => {
    const delivered = items.find((i) => i.type === "notice.delivered" && (i.data as DataOf<"notice.delivered">).recipient === org);
    const acked = items.find((i) => i.type === "notice.acknowledged" && (i.data as DataOf<"notice.acknowledged">).recipient === org);
    const escalated = items.find((i) => i.type === "escalation.raised" && (i.data as DataOf<"escalation.raised">).obligation.owedBy === org);
    const ackData = acked?.data as DataOf<"notice.acknowledged"> | undefined;
    const acknowledgedAt = ackData?.acknowledgedAt ?? null;
    const state: RecipientState = !notice.ackRequired ? "no-ack-required"
      : acknowledgedAt ? (ackBy && acknowledgedAt > ackBy ? "acknowledged-late" : "acknowledged")
      : ackBy && now.toISOString() > ackBy ? "overdue" : "waiting";
    return {
      org, deliveredAt: (delivered?.data as DataOf<"notice.delivered"> | undefined)?.deliveredAt ?? null, acknowledgedAt,
      remark: ackData?.remark ?? null, escalatedAt: escalated?.storedAt ?? null, state,
    };
  });
  return { noticeId: notice.noticeId, title: notice.title, sender: first.sender, postedAt: first.storedAt, ackBy, traceId: first.traceId ?? null, recipients: rows };
}

const time = (iso: string | null): string => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");

function render(s: NoticeStatus): string {
  const paint: Record<RecipientState, (t: string) => string> = {
    acknowledged: color.green, "acknowledged-late": color.yellow, overdue: color.red, waiting: color.dim, "no-ack-required": color.dim,
  };
  const header = ["RECIPIENT", "DELIVERED", "ACKNOWLEDGED", "STATE"];
  const rows = s.recipients.map((r) => [r.org, time(r.deliveredAt), time(r.acknowledgedAt), r.state + (r.escalatedAt ? ` (escalated ${time(r.escalatedAt)})` : "")]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [
    `${color.bold(`notice ${s.noticeId}`)} "${s.title}" from ${s.sender}, posted ${time(s.postedAt)}${s.ackBy ? `, acknowledge by ${time(s.ackBy)}` : ""}`,
    color.dim(line(header)),
    ...s.recipients.map((r, i) => paint[r.state](line(rows[i]!))),
  ].join("\n");
}

export function registerNoticeStatus(notice: Command): void {
  notice
    .command("status")
    .description("per recipient: delivered at, acknowledged at, overdue or escalated")
    .argument("<noticeId>", "the notice id printed by `notice post`")
    .option("--as <org>", "read as this organisation (default: the platform, which sees every recipient)")
    .option("--json", "print JSON")
    .action(async (id: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { as?: string }>();
      const noticeId = requireMessageId(id, "NOTICE_ID", "notice post");
      const directory = loadDirectory(opts);
      const as = opts.as ?? platformOrg(directory);
      requireOrganisation(directory, as);
      const items = await withBus(as, opts, (bus) => collectMessages(bus, noticeId, (i) => {
        const d = i.data as { noticeId?: string; obligation?: { reference?: string } } | undefined;
        return d?.noticeId === noticeId || (i.type === "escalation.raised" && d?.obligation?.reference === noticeId);
      }));
      const status = noticeStatusOf(directory, items);
      if (!status) throw new CliError(`no notice ${noticeId} is visible to "${as}": check the id`, EXIT.usage);
      emit(opts, status, render);
    });
}
