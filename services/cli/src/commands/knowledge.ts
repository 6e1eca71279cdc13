/**
 * `schakel knowledge share|list|search|curate`: an organisation shares a training, intervision,
 * study day or expertise document with the curator (VVSG); the curator publishes it to the
 * library or rejects it with a reason; everyone lists and searches the library (by text, form of
 * extremism, prevention tier, policy domain, format and date).
 */
import type { Command } from "commander";
import { EXTREMISM_FORMS, KNOWLEDGE_FORMATS, newMessageId, POLICY_DOMAINS, PREVENTION_TIERS, type KnowledgeShared } from "@schakel/contracts";
import { curateKnowledge, curatorOf, knowledgeLibrary, receivedKnowledge, shareKnowledge, type LibraryFilter, type ReceivedKnowledge } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, parseForms, requireMessageId, requireOrganisation, validateData } from "../input/checks.ts";
import { parseTime } from "../input/time-input.ts";
import { actorFor } from "../session/acting-person.ts";
import { color, emit } from "../output.ts";
import { safeText } from "../safe-text.ts";

interface AsOptions extends GlobalOptions { as: string }

const day = (iso: string | undefined): string => (iso ? iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z") : "—");

/** One knowledge item as a person reads it: every field. */
function renderItem(k: ReceivedKnowledge): string {
  const status = k.status === "submitted" ? color.yellow("submitted") : k.status === "rejected" ? color.red(`rejected: ${safeText(k.curation?.reason ?? "")}`) : color.green("in the library");
  return [
    `${color.bold(safeText(k.title))}  ${color.dim(k.knowledgeId)}`,
    `  ${k.format} · ${day(k.date)}${k.location ? ` · ${safeText(k.location)}` : ""} · tier ${k.preventionTier ?? "—"} · forms ${k.extremismForms?.join(", ") ?? "—"} · domain ${k.domain ?? "—"}`,
    ...(k.link ? [`  ${safeText(k.link)}`] : []),
    ...safeText(k.summary).split("\n").map((l) => `  ${l}`),
    `  shared by ${k.sharedBy ?? k.from} · ${status}`,
  ].join("\n");
}
const renderList = (rows: ReceivedKnowledge[], none: string): string => (rows.length ? rows.map(renderItem).join("\n\n") : color.dim(none));

/** A time, or a day (YYYY-MM-DD, UTC: its start, or with `endOfDay` its last millisecond). */
function timeOption(text: string | undefined, option: string, endOfDay = false): Date | undefined {
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return new Date(Date.parse(`${text}T00:00:00Z`) + (endOfDay ? 86_399_999 : 0));
  }
  const t = parseTime(text, option);
  if (!t) throw new CliError(`${option} "${text}" is not a time (e.g. 2027-01-01 or 2027-01-01T09:00:00Z)`, EXIT.usage);
  return t;
}

interface ShareOptions extends AsOptions {
  format: string; title: string; summary: string; date?: string; location?: string; link?: string; tier?: string; forms?: string; domain?: string;
}

async function share(opts: ShareOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  const date = timeOption(opts.date, "--date");
  const forms = parseForms(opts.forms);
  const item: KnowledgeShared = {
    knowledgeId: newMessageId(), format: oneOf("--format", opts.format, KNOWLEDGE_FORMATS), title: opts.title, summary: opts.summary,
    ...(date ? { date: date.toISOString() } : {}), ...(opts.location !== undefined ? { location: opts.location } : {}), ...(opts.link !== undefined ? { link: opts.link } : {}),
    ...(opts.tier ? { preventionTier: oneOf("--tier", opts.tier, PREVENTION_TIERS) } : {}), ...(forms?.length ? { extremismForms: forms } : {}),
    ...(opts.domain ? { domain: oneOf("--domain", opts.domain, POLICY_DOMAINS) } : {}),
  };
  validateData("knowledge.shared", item, { title: "--title", summary: "--summary", location: "--location", link: "--link", extremismForms: "--forms" });
  const { actor } = actorFor(opts, opts.as, "share-knowledge");
  const done = await withBus(opts.as, opts, (bus) => shareKnowledge(bus, { ...item, ...(actor ? { actor } : {}) }));
  emit(opts, { ...done, actor: actor ?? null }, (r) => r.status === "published"
    ? `${color.green("published")} ${r.knowledgeId} to the library\ntrace ${r.traceId}`
    : `${color.green("shared")} ${r.knowledgeId} with ${r.to} for curation\ntrace ${r.traceId}`);
}

interface SearchOptions extends AsOptions { text?: string; form?: string; tier?: string; domain?: string; format?: string; from?: string; to?: string }

function filterOf(opts: SearchOptions): LibraryFilter {
  const from = timeOption(opts.from, "--from");
  const to = timeOption(opts.to, "--to", true);
  return {
    ...(opts.text ? { text: opts.text } : {}), ...(opts.form ? { form: oneOf("--form", opts.form, EXTREMISM_FORMS) } : {}),
    ...(opts.tier ? { tier: oneOf("--tier", opts.tier, PREVENTION_TIERS) } : {}), ...(opts.domain ? { domain: oneOf("--domain", opts.domain, POLICY_DOMAINS) } : {}),
    ...(opts.format ? { format: oneOf("--format", opts.format, KNOWLEDGE_FORMATS) } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
  };
}

const search = (opts: SearchOptions) => {
  const filter = filterOf(opts);
  return withBus(opts.as, opts, async (bus) => emit(opts, await knowledgeLibrary(bus, filter), (r) => renderList(r, "nothing in the library matches")));
};

const STATUSES = ["library", "submitted", "rejected", "all"] as const;

const list = (opts: AsOptions & { status?: string }) => {
  const status = oneOf("--status", opts.status ?? "library", STATUSES);
  return withBus(opts.as, opts, async (bus) => {
    const rows = status === "library" ? await knowledgeLibrary(bus) : (await receivedKnowledge(bus)).filter((k) => status === "all" || k.status === status);
    emit(opts, rows, (r) => renderList(r, status === "library" ? "the library is empty" : `no ${status} knowledge at ${opts.as}`));
  });
};

interface CurateOptions extends AsOptions { publish?: boolean; reject?: boolean; reason?: string }

async function curate(knowledgeId: string, opts: CurateOptions): Promise<void> {
  if (Boolean(opts.publish) === Boolean(opts.reject)) throw new CliError("say --publish or --reject (with --reason)", EXIT.usage);
  if (opts.reject && !opts.reason?.trim()) throw new CliError("--reject needs --reason: the organisation that shared the item reads why", EXIT.usage);
  const directory = loadDirectory(opts);
  const curator = curatorOf(directory);
  if (opts.as !== curator) throw new CliError(`--as ${opts.as}: only the curator (${curator}) publishes to the library; use --as ${curator}`, EXIT.usage);
  const id = requireMessageId(knowledgeId, "the knowledge id", `knowledge list --as ${curator} --status submitted`);
  const { actor } = actorFor(opts, opts.as, "curate-knowledge");
  const done = await withBus(opts.as, opts, (bus) => curateKnowledge(bus, {
    knowledgeId: id, decision: opts.publish ? "published" : "rejected", ...(opts.reason ? { reason: opts.reason } : {}), ...(actor ? { actor } : {}),
  }));
  emit(opts, { ...done, actor: actor ?? null }, (r) => `${r.decision === "published" ? color.green("published") : color.red("rejected")} ${r.knowledgeId} (to ${r.to})\ntrace ${r.traceId}`);
}

const searchOptions = (c: Command): Command => c
  .option("--text <words>", "words in the title, summary or place")
  .option("--form <form>", `form of extremism: ${EXTREMISM_FORMS.join(", ")}`)
  .option("--tier <tier>", `prevention tier: ${PREVENTION_TIERS.join(", ")}`)
  .option("--domain <domain>", `policy domain: ${POLICY_DOMAINS.join(", ")}`)
  .option("--format <format>", `format: ${KNOWLEDGE_FORMATS.join(", ")}`)
  .option("--from <time>", "dated on or after (a day, e.g. 2027-01-01, or a time)")
  .option("--to <time>", "dated on or before (a day counts whole)");

export function registerKnowledge(program: Command): void {
  const knowledge = program.command("knowledge").description("the knowledge library: share, list, search; the curator (VVSG) publishes or rejects");
  knowledge.command("share").description("share a training, intervision, study day or expertise document with the curator")
    .requiredOption("--as <org>", "the sharing organisation")
    .requiredOption("--format <format>", `one of ${KNOWLEDGE_FORMATS.join(", ")}`)
    .requiredOption("--title <text>", "the title (3–200 characters)")
    .requiredOption("--summary <text>", "what it is about")
    .option("--date <time>", "when it takes place or was published")
    .option("--location <place>", "where")
    .option("--link <url>", "where to read more or register")
    .option("--tier <tier>", `prevention tier: ${PREVENTION_TIERS.join(", ")}`)
    .option("--forms <forms>", `comma-separated forms of extremism: ${EXTREMISM_FORMS.join(", ")}`)
    .option("--domain <domain>", `policy domain: ${POLICY_DOMAINS.join(", ")}`)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => share(cmd.optsWithGlobals<ShareOptions>()));
  knowledge.command("list").description("the library (default), or this organisation's submitted or rejected items")
    .requiredOption("--as <org>", "the organisation")
    .option("--status <status>", `${STATUSES.join(", ")} (default library)`)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => list(cmd.optsWithGlobals<AsOptions & { status?: string }>()));
  searchOptions(knowledge.command("search").description("search the library"))
    .requiredOption("--as <org>", "the organisation")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => search(cmd.optsWithGlobals<SearchOptions>()));
  knowledge.command("curate <knowledgeId>").description("the curator publishes a submitted item to the library, or rejects it with a reason")
    .requiredOption("--as <org>", "the curator (VVSG)")
    .option("--publish", "publish it to the library")
    .option("--reject", "reject it (needs --reason)")
    .option("--reason <text>", "why (sent to the organisation that shared it)")
    .option("--json", "print JSON")
    .action((id: string, _o, cmd: Command) => curate(id, cmd.optsWithGlobals<CurateOptions>()));
}
