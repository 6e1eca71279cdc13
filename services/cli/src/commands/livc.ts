/**
 * `schakel livc set|show`: the composition of a municipality's LIVC-R (local integral security
 * cell for radicalisation). The municipality sets it (a new version each time, sent to every
 * member, every organisation it removes, the platform and the notice senders); every organisation shows the versions
 * it knows. Case content may be shared only with the members of the version in force.
 */
import type { Command } from "commander";
import type { Actor, LivcMember } from "@schakel/contracts";
import { latestVersion, livcCompositions, setLivcComposition, type LivcComposition } from "@schakel/organisation";
import { parseMembers } from "../case/input.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { requireOrganisation, requireSender } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface SetOptions extends GlobalOptions { as: string; member?: string[] }
interface ShowOptions extends GlobalOptions { as: string }

const by = (actor: Actor | null): string => (actor ? ` by ${actor.person} (${actor.role})` : "");
const memberText = (m: LivcMember): string => `${m.org} (${m.roles.join(", ")})`;

async function set(opts: SetOptions): Promise<void> {
  const directory = loadDirectory(opts);
  // Only a municipality sends a composition (the catalog's sender): it sets its own LIVC-R's.
  requireSender(directory, opts.as, "livc.composition.set");
  const members = parseMembers(directory, opts.member ?? []);
  if (members.length === 0) throw new CliError(`--member: name at least one member, e.g. --member fed-police:liaison`, EXIT.usage);
  const acting = actorFor(opts, opts.as, "set-livc");
  const done = await withBus(opts.as, opts, (bus) => setLivcComposition(bus, { members, ...acting }));
  emit(opts, { ...done, actor: acting.actor ?? null }, (r) => [
    `${color.green("set")} the LIVC-R of ${r.municipality}${by(r.actor)}: version ${color.bold(String(r.version))}`,
    ...r.members.map((m) => `  ${memberText(m)}`),
    ...(r.removed.length ? [`  removed: ${r.removed.join(", ")}`] : []),
    color.dim(`sent to ${r.sentTo.join(", ")}`),
  ].join("\n"));
}

/** One composition for people: every version, newest first. */
function compositionText(c: LivcComposition): string {
  const latest = latestVersion(c).version;
  return [
    color.bold(`LIVC-R of ${c.municipality}`),
    ...[...c.versions].reverse().flatMap((v) => [
      `  v${v.version}${v.version === latest ? color.green(" (in force)") : ""} effective from ${v.effectiveFrom}`,
      ...v.members.map((m) => `    ${memberText(m)}`),
    ]),
  ].join("\n");
}

async function show(municipality: string | undefined, opts: ShowOptions): Promise<void> {
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  if (municipality !== undefined) requireOrganisation(directory, municipality, "MUNICIPALITY");
  const compositions = await withBus(opts.as, opts, (bus) => livcCompositions(bus, municipality));
  if (municipality !== undefined && compositions.length === 0) {
    throw new CliError(`"${opts.as}" knows no composition of the LIVC-R of ${municipality}: its municipality sets it ("schakel livc set"), and only its members, the platform and the notice senders receive it`, EXIT.usage);
  }
  const sorted = compositions.sort((a, b) => a.municipality.localeCompare(b.municipality));
  emit(opts, sorted, (list) => (list.length ? list.map(compositionText).join("\n") : color.dim(`no LIVC-R composition is known to ${opts.as}`)));
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerLivc(program: Command): void {
  const livc = program.command("livc").description("the composition of a municipality's LIVC-R: who may share case content");
  livc
    .command("set")
    .description("set the composition of your municipality's LIVC-R (a new version, sent to its members, the platform and the notice senders)")
    .requiredOption("--as <municipality>", "the municipality whose LIVC-R it is")
    .option("--member <org:roles>", "a member and the person roles that take part, e.g. fed-police:liaison (repeatable; the municipality is added as chair when not listed)", collect)
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => set(cmd.optsWithGlobals<SetOptions>()));
  livc
    .command("show")
    .description("every version of the LIVC-R compositions your organisation knows: members, roles, effective from")
    .argument("[municipality]", "only this municipality's LIVC-R")
    .requiredOption("--as <org>", "the organisation asking")
    .option("--json", "print JSON")
    .action((municipality: string | undefined, _o, cmd: Command) => show(municipality, cmd.optsWithGlobals<ShowOptions>()));
}
