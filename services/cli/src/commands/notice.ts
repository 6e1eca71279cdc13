/**
 * `schakel notice post|ack|status`: a liaison posts a notice to organisations or levels, a
 * municipality to its neighbours or province (one copy per audience, one notice id, one trace), a
 * recipient acknowledges it, anyone with the right to read follows who received and acknowledged it.
 */
import type { Command } from "commander";
import { EXTREMISM_FORMS, newMessageId, NOTICE_CATEGORIES, PREVENTION_TIERS, type Actor, type DataOf } from "@schakel/contracts";
import { acknowledgeNotice, postNotice } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, parseForms, requireMessageId, requireOrganisation, requireSender, validateData } from "../input/checks.ts";
import { parseDeadline } from "../input/time-input.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";
import { noticeAudiences } from "./notice-audiences.ts";
import { registerNoticeList } from "./notice-list.ts";
import { registerNoticeStatus } from "./notice-status.ts";

interface PostOptions extends GlobalOptions {
  as: string; to: string; title: string; body: string; category: string; ackBy?: string; tier?: string; forms?: string;
}

async function post(opts: PostOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireSender(directory, opts.as, "notice.posted");
  const to = noticeAudiences(directory, opts.as, opts.to);
  const ackBy = opts.ackBy !== undefined ? parseDeadline("--ack-by", opts.ackBy) : undefined;
  const noticeId = newMessageId();
  const data = {
    noticeId, title: opts.title, body: opts.body, category: oneOf("--category", opts.category, NOTICE_CATEGORIES), recipients: to,
    ackRequired: ackBy !== undefined, ...(ackBy ? { ackBy: ackBy.toISOString() } : {}),
    ...(opts.tier ? { preventionTier: oneOf("--tier", opts.tier, PREVENTION_TIERS) } : {}),
    ...(opts.forms ? { extremismForms: parseForms(opts.forms) } : {}),
  };
  validateData("notice.posted", data, { title: "--title", body: "--body", recipients: "--to", extremismForms: "--forms" });
  // The signed-in person posts (checked before connecting); without a sign-in, the service.
  const acting = actorFor(opts, opts.as, "post-notice");
  const result = await withBus(opts.as, opts, async (bus) => {
    const posted = await postNotice(bus, {
      ...acting, noticeId, to, title: data.title, body: data.body, category: data.category, ...(data.ackBy ? { ackBy: data.ackBy } : {}),
      ...(data.preventionTier ? { preventionTier: data.preventionTier } : {}), ...(data.extremismForms ? { extremismForms: data.extremismForms } : {}),
    });
    return { noticeId, traceId: posted.traceId, sender: opts.as, actor: acting.actor ?? null, ackBy: data.ackBy ?? null, copies: posted.copies };
  });
  emit(opts, result, (r) => [
    `${color.green("posted")} notice ${color.bold(r.noticeId)} from ${r.sender}${by(r.actor)} to ${to.join(", ")}${r.ackBy ? ` — acknowledge by ${r.ackBy}` : ""}`,
    `trace ${r.traceId}`,
    color.dim(`follow it: npx schakel notice status ${r.noticeId} --watch`),
  ].join("\n"));
}

interface AckOptions extends GlobalOptions { as: string; remark?: string; by?: string }

async function acknowledge(noticeIdArg: string, opts: AckOptions): Promise<void> {
  const noticeId = requireMessageId(noticeIdArg, "NOTICE_ID", "notice post");
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  // Checked before connecting, so a bad --remark or --by names the option and publishes nothing.
  const data: DataOf<"notice.acknowledged"> = {
    noticeId, recipient: opts.as, acknowledgedAt: new Date().toISOString(),
    ...(opts.by !== undefined ? { acknowledgedBy: opts.by } : {}), ...(opts.remark !== undefined ? { remark: opts.remark } : {}),
  };
  validateData("notice.acknowledged", data, { remark: "--remark", acknowledgedBy: "--by" });
  const acting = actorFor(opts, opts.as, "acknowledge-notice");
  const result = await withBus(opts.as, opts, async (bus) => {
    // The organisation's one acknowledgement path: from its record, or from its feed when its
    // service has not recorded the notice (not running, or not yet), the record updated after.
    const done = await acknowledgeNotice(bus, { ...acting, noticeId, ...(opts.remark !== undefined ? { remark: opts.remark } : {}), ...(opts.by !== undefined ? { by: opts.by } : {}) });
    if (done.outcome === "unknown-notice") throw new CliError(done.message, EXIT.usage);
    const traceId = done.outcome === "acknowledged" ? done.traceId : null;
    return { noticeId, recipient: opts.as, actor: acting.actor ?? null, to: done.to, id: done.messageId, duplicate: done.outcome === "already-acknowledged", traceId };
  });
  emit(opts, result, (r) =>
    `${color.green(r.duplicate ? "already acknowledged" : "acknowledged")} notice ${r.noticeId} as ${r.recipient}${by(r.actor)} (to ${r.to})${r.traceId ? `; trace ${r.traceId}` : ""}`);
}

/** " by <person> (<role>)" when a signed-in person acted. */
const by = (actor: Actor | null): string => (actor ? ` by ${actor.person} (${actor.role})` : "");

export function registerNotice(program: Command): void {
  const notice = program.command("notice").description("post, acknowledge and follow notices");
  notice
    .command("post")
    .description("post a notice to organisations or levels; prints the notice id and trace id")
    .requiredOption("--as <org>", "the sending organisation (a liaison such as nccn, a justice house, the prison service, or a municipality)")
    .requiredOption("--to <audiences>", "comma-separated organisations or groups (all, local, flemish, federal, supralocal); neighbours or province:<province> for the municipalities near the sender (a municipality may address only those)")
    .requiredOption("--title <text>", "the title (3–200 characters)")
    .requiredOption("--body <text>", "the text of the notice")
    .option("--category <category>", `one of ${NOTICE_CATEGORIES.join(", ")}`, "information")
    .option("--ack-by <deadline>", "ask each recipient to acknowledge by then: a duration (30s, 2h, 3d) or a time (2026-12-01T12:00:00Z)")
    .option("--tier <tier>", `prevention tier: ${PREVENTION_TIERS.join(", ")}`)
    .option("--forms <forms>", `comma-separated forms of extremism: ${EXTREMISM_FORMS.join(", ")}`)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => post(cmd.optsWithGlobals<PostOptions>()));
  notice
    .command("ack")
    .description("acknowledge a notice addressed to your organisation")
    .argument("<noticeId>", "the notice id printed by `notice post`")
    .requiredOption("--as <org>", "the acknowledging organisation")
    .option("--remark <text>", "a remark for the sender")
    .option("--by <name>", "the official's role or name")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => acknowledge(id, cmd.optsWithGlobals<AckOptions>()));
  registerNoticeStatus(notice);
  registerNoticeList(notice);
}
