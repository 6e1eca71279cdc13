/**
 * `schakel glossary show|propose|proposals|adopt`: the shared definitions of the prevention tiers,
 * forms of extremism and signal kinds. A policy domain or VVSG proposes a change with a reason;
 * the platform adopts it as the next version for everyone; `show` prints a version (the built-in
 * one without --as, else the newest the organisation holds).
 */
import type { Command } from "commander";
import { BUILTIN_GLOSSARY, GLOSSARY_ACTIONS, VOCABULARIES, type GlossaryChange, type GlossaryRecord } from "@schakel/contracts";
import { adoptGlossaryProposal, glossaryProposals, glossaryShelf, orgState, platformOf, proposeGlossaryChange, type GlossaryProposalRecord } from "@schakel/organisation";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { oneOf, requireMessageId, requireOrganisation, wholeNumber } from "../input/checks.ts";
import { actorFor } from "../session/acting-person.ts";
import { color, emit } from "../output.ts";
import { safeText } from "../safe-text.ts";

interface AsOptions extends GlobalOptions { as: string }

/** A glossary version as a person reads it: every term with its labels and definition. */
function renderGlossary(g: GlossaryRecord): string {
  const head = `${color.bold(`glossary v${g.version}`)}  adopted ${g.adoptedAt} by ${g.adoptedBy}${g.proposalId ? ` (proposal ${g.proposalId})` : ""}`;
  const sections = VOCABULARIES.map((v) => [
    color.bold(v),
    ...g.terms[v].map((t) => {
      const notes = [`since v${t.since}`, ...(t.revised ? [`revised v${t.revised}`] : []), ...(t.deprecated ? [color.yellow(`deprecated v${t.deprecated}`)] : [])].join(", ");
      return `  ${color.bold(t.term)} — ${safeText(t.label.nl)} / ${safeText(t.label.en)} ${color.dim(`(${notes})`)}\n    ${safeText(t.definition)}`;
    }),
  ].join("\n"));
  return [head, ...sections].join("\n\n");
}

const renderProposal = (p: GlossaryProposalRecord): string =>
  `${color.bold(p.proposalId)}  ${p.status === "adopted" ? color.green(`adopted as v${p.adoptedVersion}`) : color.yellow(p.status)}\n` +
  `  ${p.change.action} ${p.change.vocabulary} "${p.change.term}" · from ${p.from} · based on v${p.basedOn} · ${p.proposedAt}\n` +
  `${p.change.definition ? `  definition: ${safeText(p.change.definition)}\n` : ""}  reason: ${safeText(p.reason)}`;

async function show(opts: Partial<AsOptions> & { version?: string }): Promise<void> {
  const version = wholeNumber("--version", opts.version, 1);
  if (!opts.as) {
    if (version !== undefined && version !== BUILTIN_GLOSSARY.version) {
      throw new CliError(`glossary v${version} is not built in (v${BUILTIN_GLOSSARY.version} is): add --as <org> to read the versions an organisation holds`, EXIT.usage);
    }
    return emit(opts, BUILTIN_GLOSSARY, renderGlossary);
  }
  requireOrganisation(loadDirectory(opts as AsOptions), opts.as);
  const org = opts.as;
  await withBus(org, opts as AsOptions, async (bus) => {
    const shelf = await glossaryShelf(await orgState(bus));
    const g = version === undefined ? shelf.latest! : shelf.at(version);
    if (!g) throw new CliError(`${org} holds no glossary v${version}; it holds ${shelf.versions().map((v) => `v${v}`).join(", ")}`, EXIT.usage);
    emit(opts, g, renderGlossary);
  });
}

interface ProposeOptions extends AsOptions { action: string; vocabulary: string; term: string; labelNl?: string; labelEn?: string; definition?: string; reason: string }

async function propose(opts: ProposeOptions): Promise<void> {
  requireOrganisation(loadDirectory(opts), opts.as);
  if ((opts.labelNl === undefined) !== (opts.labelEn === undefined)) throw new CliError("give both --label-nl and --label-en, or neither", EXIT.usage);
  const change: GlossaryChange = {
    action: oneOf("--action", opts.action, GLOSSARY_ACTIONS), vocabulary: oneOf("--vocabulary", opts.vocabulary, VOCABULARIES), term: opts.term,
    ...(opts.labelNl !== undefined && opts.labelEn !== undefined ? { label: { nl: opts.labelNl, en: opts.labelEn } } : {}),
    ...(opts.definition !== undefined ? { definition: opts.definition } : {}),
  };
  const done = await withBus(opts.as, opts, (bus) => proposeGlossaryChange(bus, { change, reason: opts.reason }));
  emit(opts, done, (r) => `${color.green("proposed")} ${r.proposalId} to ${r.to} (based on glossary v${r.basedOn})\ntrace ${r.traceId}`);
}

const proposals = (opts: AsOptions) =>
  withBus(opts.as, opts, async (bus) => emit(opts, await glossaryProposals(await orgState(bus)), (rows) => (rows.length ? rows.map(renderProposal).join("\n\n") : color.dim(`no glossary proposals at ${opts.as}`))));

async function adopt(proposalId: string, opts: AsOptions): Promise<void> {
  const platform = platformOf(loadDirectory(opts));
  if (opts.as !== platform) throw new CliError(`--as ${opts.as}: only the platform (${platform}) adopts glossary proposals`, EXIT.usage);
  const id = requireMessageId(proposalId, "the proposal id", `glossary proposals --as ${platform}`);
  const { actor } = actorFor(opts, opts.as, "adopt-glossary");
  const done = await withBus(opts.as, opts, (bus) => adoptGlossaryProposal(bus, id, actor ? { actor } : {}));
  emit(opts, { ...done, actor: actor ?? null }, (r) => `${color.green("adopted")} proposal ${r.proposalId} as glossary v${r.version}, sent to all\ntrace ${r.traceId}`);
}

export function registerGlossary(program: Command): void {
  const glossary = program.command("glossary").description("the shared glossary: prevention tiers, forms of extremism, signal kinds; proposed by policy owners, adopted by the platform");
  glossary.command("show").description("a glossary version: the built-in one, or with --as the newest (or --version) the organisation holds")
    .option("--as <org>", "read the versions this organisation holds")
    .option("--version <n>", "the version to show")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => show(cmd.optsWithGlobals<Partial<AsOptions> & { version?: string }>()));
  glossary.command("propose").description("propose adding, redefining or deprecating a term (a policy domain or VVSG), sent to the platform")
    .requiredOption("--as <org>", "the proposing organisation (role policy-domain or knowledge-partner)")
    .requiredOption("--action <action>", `one of ${GLOSSARY_ACTIONS.join(", ")}`)
    .requiredOption("--vocabulary <vocabulary>", `one of ${VOCABULARIES.join(", ")}`)
    .requiredOption("--term <id>", "the term id, e.g. online-hate")
    .option("--label-nl <text>", "the Dutch label (needed to add a term)")
    .option("--label-en <text>", "the English label (needed to add a term)")
    .option("--definition <text>", "the definition (needed to add or redefine)")
    .requiredOption("--reason <text>", "why the term should change")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => propose(cmd.optsWithGlobals<ProposeOptions>()));
  glossary.command("proposals").description("the proposals this organisation sent or (the platform) received, newest first")
    .requiredOption("--as <org>", "the organisation")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => proposals(cmd.optsWithGlobals<AsOptions>()));
  glossary.command("adopt <proposalId>").description("the platform adopts a proposal as the next glossary version, sent to all (a platform coordinator)")
    .requiredOption("--as <org>", "the platform")
    .option("--json", "print JSON")
    .action((proposalId: string, _o, cmd: Command) => adopt(proposalId, cmd.optsWithGlobals<AsOptions>()));
}
