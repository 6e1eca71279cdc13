/**
 * `schakel digest list|show|confirm|route`: a municipality reads the digests of policy updates the
 * platform bundled for it, every item with its title, summary, domain, effective date and
 * prevention tier; confirms reading items (or a whole digest) to the policy domains; and routes an
 * item to one of its local partners. A local partner sees the items routed to it the same way; the
 * platform sees the digests it published and how far each was read.
 */
import type { Command } from "commander";
import type { DigestItem } from "@schakel/contracts";
import { confirmDigestRead, platformOf, receivedDigest, receivedDigests, routeDigestItem, type ReceivedDigest } from "@schakel/organisation";
import { withBus, type GlobalOptions } from "../context.ts";
import { publishedDigests, renderPublished } from "./digest-reads.ts";
import { requireMessageId } from "../input/checks.ts";
import { actorFor } from "../session/acting-person.ts";
import { color, emit } from "../output.ts";
import { safeText } from "../safe-text.ts";

interface AsOptions extends GlobalOptions { as: string }

const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : "—");

/** One item as a person reads it: every field, and whether it was read or routed. */
export function renderItem(d: ReceivedDigest, i: DigestItem): string {
  const read = d.reads?.find((r) => r.updateId === i.updateId);
  const routes = (d.routes ?? []).filter((r) => r.updateId === i.updateId);
  return [
    `  ${color.bold(safeText(i.title))}  ${color.dim(i.updateId)}`,
    `    ${i.domain} (${i.publishedBy}) · tier ${i.preventionTier ?? "—"} · effective ${day(i.effectiveFrom)}${i.link ? ` · ${safeText(i.link)}` : ""}`,
    ...safeText(i.summary).split("\n").map((l) => `    ${l}`),
    `    ${read ? color.green(`read ${read.at}`) : color.yellow("not confirmed")}${routes.length ? ` · routed to ${routes.map((r) => r.partner).join(", ")}` : ""}`,
  ].join("\n");
}

function renderDigest(d: ReceivedDigest): string {
  const head = d.routedBy
    ? `${color.bold(d.digestId)} routed by ${d.routedBy.municipality} on ${d.windowStart}${d.routedBy.remark ? ` — "${safeText(d.routedBy.remark)}"` : ""}`
    : `${color.bold(d.digestId)} from ${d.from}, window ${d.windowStart} – ${d.windowEnd}, ${d.items.length} item(s), ${d.reads?.length ?? 0} read`;
  return [head, ...d.items.map((i) => renderItem(d, i))].join("\n");
}

const listAction = (opts: AsOptions & { unread?: boolean }) => withBus(opts.as, opts, async (bus) => {
  // The platform receives no digests: it sees the ones it published and how far they were read.
  if (opts.as === platformOf(bus.directory)) {
    return emit(opts, await publishedDigests(bus, { unread: opts.unread === true }), renderPublished);
  }
  const all = await receivedDigests(bus);
  const rows = opts.unread ? all.filter((d) => !d.routedBy && (d.reads?.length ?? 0) < d.items.length) : all;
  emit(opts, rows, (r) => (r.length ? r.map(renderDigest).join("\n\n") : color.dim(`no digests at ${opts.as}`)));
});

/** The digest id typed as an argument, checked before anything connects. */
const digestIdOf = (text: string, opts: AsOptions): string => requireMessageId(text, "the digest id", `digest list --as ${opts.as}`);

const showAction = (digestId: string, opts: AsOptions) => {
  const id = digestIdOf(digestId, opts);
  return withBus(opts.as, opts, async (bus) => emit(opts, await receivedDigest(bus, id), renderDigest));
};

interface ConfirmOptions extends AsOptions { item?: string[] }

const confirmAction = (digestId: string, opts: ConfirmOptions) => {
  const id = digestIdOf(digestId, opts);
  const items = (opts.item ?? []).map((i) => requireMessageId(i, "--item", `digest show ${id} --as ${opts.as}`));
  const { actor } = actorFor(opts, opts.as, "confirm-digest");
  return withBus(opts.as, opts, async (bus) => {
    const done = await confirmDigestRead(bus, { digestId: id, updateIds: items, ...(actor ? { actor } : {}) });
    emit(opts, { ...done, actor: actor ?? null }, (r) => r.confirmed.length
      ? `${color.green("confirmed")} ${r.confirmed.length} item(s) of digest ${r.digestId} as read (to ${r.sentTo.join(", ")})${r.alreadyRead.length ? `; ${r.alreadyRead.length} already read` : ""}${r.traceId ? `\ntrace ${r.traceId}` : ""}`
      : `${color.dim("already confirmed")}: ${r.alreadyRead.length} item(s) of digest ${r.digestId}; nothing sent`);
  });
};

interface RouteOptions extends AsOptions { to: string; remark?: string }

const routeAction = (digestId: string, updateId: string, opts: RouteOptions) => {
  const id = digestIdOf(digestId, opts);
  const item = requireMessageId(updateId, "the item id", `digest show ${id} --as ${opts.as}`);
  const { actor } = actorFor(opts, opts.as, "route-digest-item");
  return withBus(opts.as, opts, async (bus) => {
    const done = await routeDigestItem(bus, {
      digestId: id, updateId: item,
      partner: opts.to, ...(opts.remark !== undefined ? { remark: opts.remark } : {}), ...(actor ? { actor } : {}),
    });
    emit(opts, { ...done, actor: actor ?? null }, (r) => `${color.green(r.alreadyRouted ? "already routed" : "routed")} item ${r.updateId} to ${r.partner} (sent to ${r.sentTo.join(", ")})${r.traceId ? `\ntrace ${r.traceId}` : ""}`);
  });
};

export function registerDigest(program: Command): void {
  const digest = program.command("digest").description("digests of policy updates: read every item, confirm reading, route an item to a local partner");
  digest.command("list").description("the digests that reached an organisation, newest first, every item with all its fields; as the platform: the digests it published and how far each was read")
    .requiredOption("--as <org>", "the municipality (or local partner), or the platform")
    .option("--unread", "only digests with items not confirmed yet")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => listAction(cmd.optsWithGlobals<AsOptions & { unread?: boolean }>()));
  digest.command("show <digestId>").description("one digest with every item")
    .requiredOption("--as <org>", "the municipality (or local partner)")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => showAction(id, cmd.optsWithGlobals<AsOptions>()));
  digest.command("confirm <digestId>").description("confirm reading a whole digest, or the items named with --item (sent to their policy domains and the platform)")
    .requiredOption("--as <org>", "the municipality")
    .option("--item <updateId...>", "only these items (update ids, as digest show prints them)")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => confirmAction(id, cmd.optsWithGlobals<ConfirmOptions>()));
  digest.command("route <digestId> <updateId>").description("route one item of a digest to one of the municipality's local partners (also told to the item's policy domain)")
    .requiredOption("--as <org>", "the municipality")
    .requiredOption("--to <partner>", "the local partner (role local-partner, working with this municipality in the registry)")
    .option("--remark <text>", "a note for the partner")
    .option("--json", "print JSON")
    .action((id: string, item: string, _o, cmd: Command) => routeAction(id, item, cmd.optsWithGlobals<RouteOptions>()));
}
