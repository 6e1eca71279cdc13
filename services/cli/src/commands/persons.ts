/**
 * `schakel persons list|add|disable|token`: the people of each organisation and their person roles,
 * kept in the persons file beside the registry (or `--file`, or SCHAKEL_PERSONS). Operators edit
 * it here; a person is disabled, never deleted, so their past actions stay attributable.
 * `token` issues, lists and revokes a person's API tokens for the console's JSON API (kept
 * hashed in the data folder; the token text is printed once).
 */
import type { Command } from "commander";
import { PERSON_ROLES, PersonRole, type Person } from "@schakel/contracts";
import { apiTokensPath, issueApiToken, loadRegistry, personsPath, readApiTokens, revokeApiToken, type ApiTokenEntry } from "@schakel/infra";
import { dataDirOf, type GlobalOptions } from "../context.ts";
import { CliError } from "../exit-codes.ts";
import { color, emit, note } from "../output.ts";
import { checkNewPerson, disablePerson, readPersons, savePersons, type NewPerson } from "../persons/edit.ts";
import { safeText } from "../safe-text.ts";

interface FileOptions {
  file?: string;
  registry?: string;
  json?: boolean;
}

interface ListOptions extends FileOptions {
  org?: string;
  role?: string;
  all?: boolean;
}

/** The persons as a table: id, name, organisation, roles, and the state of disabled persons. */
function table(persons: Person[]): string {
  if (persons.length === 0) return color.dim("no persons match");
  const rows = persons.map((p) => [p.id, safeText(p.name), p.organisation, p.roles.join(","), p.disabled ? `disabled ${p.disabled.at.slice(0, 10)}` : ""]);
  const head = ["ID", "NAME", "ORGANISATION", "ROLES", "STATE"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [color.bold(line(head)), ...rows.map((r) => (r[4] ? color.dim(line(r)) : line(r)))].join("\n");
}

function listPersons(opts: ListOptions): Person[] {
  const registry = loadRegistry(opts.registry);
  if (opts.org !== undefined && !registry.organisations.some((o) => o.id === opts.org)) {
    throw new CliError(`--org: unknown organisation "${opts.org}"; known: ${registry.organisations.map((o) => o.id).join(", ")}`);
  }
  if (opts.role !== undefined && !PersonRole.safeParse(opts.role).success) {
    throw new CliError(`--role "${opts.role}" is not one of ${PERSON_ROLES.join(", ")}`);
  }
  return readPersons(opts.file, registry).filter(
    (p) => (opts.all || !p.disabled) && (opts.org === undefined || p.organisation === opts.org) && (opts.role === undefined || p.roles.includes(opts.role as PersonRole)),
  );
}

const fileOptions = (cmd: Command): Command =>
  cmd
    .option("--file <path>", "the persons file (default: SCHAKEL_PERSONS, else the one beside the demo registry)")
    .option("--registry <file>", "the registry the organisations and roles are checked against (default: the demo registry)")
    .option("--json", "print JSON");

export function registerPersons(program: Command): void {
  const persons = program.command("persons").description("the people of each organisation and their roles (the persons file)");

  fileOptions(persons.command("list").description("list persons (enabled ones unless --all)"))
    .option("--org <id>", "only persons of this organisation")
    .option("--role <role>", `only persons with this role (${PERSON_ROLES.join(", ")})`)
    .option("--all", "include disabled persons")
    .action((_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ListOptions>();
      emit(opts, listPersons(opts), table);
    });

  fileOptions(persons.command("add").description("add a person; every field is checked before the file is written"))
    .requiredOption("--id <id>", "person id: initial(s) and surname, lower case, joined by '.' (e.g. m.peeters); never reused")
    .requiredOption("--name <text>", "display name")
    .requiredOption("--org <id>", "organisation id from the registry")
    .requiredOption("--role <roles>", `comma-separated roles: ${PERSON_ROLES.join(", ")}`)
    .option("--email <address>", "e-mail address")
    .action((_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<FileOptions & NewPerson>();
      const registry = loadRegistry(opts.registry);
      const existing = readPersons(opts.file, registry);
      const person = checkNewPerson(opts, existing, registry);
      savePersons(opts.file, [...existing, person]);
      emit(opts, person, (p) => `added ${p.id} (${safeText(p.name)}) to ${p.organisation} as ${p.roles.join(", ")} in ${personsPath(opts.file)}`);
    });

  fileOptions(persons.command("disable").description("disable a person (kept in the file, never deleted)"))
    .argument("<id>", "the person id")
    .requiredOption("--reason <text>", "why, e.g. \"left the organisation\"")
    .action((id: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<FileOptions & { reason: string }>();
      const registry = loadRegistry(opts.registry);
      const all = readPersons(opts.file, registry);
      const { person, already } = disablePerson(all, id, opts.reason, new Date());
      if (already) note(`${id} was already disabled on ${person.disabled!.at} (${safeText(person.disabled!.reason)}); nothing changed`);
      else savePersons(opts.file, all);
      emit(opts, { ...person, alreadyDisabled: already }, (p) => (already ? `${p.id}: already disabled` : `disabled ${p.id} (${safeText(p.name)}); the entry stays in the file`));
    });

  fileOptions(persons.command("token").description("issue an API token for a person (printed once), or --list / --revoke them"))
    .argument("<person>", "the person id (for --revoke: any, the token id decides)")
    .option("--expires <days>", "lifetime, e.g. 30d, 12h (default 30d, at most 365d)")
    .option("--list", "list the person's tokens (ids and dates, never the secrets)")
    .option("--revoke <id>", "revoke the token with this id")
    .action((id: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<FileOptions & GlobalOptions & { expires?: string; list?: boolean; revoke?: string }>();
      const file = apiTokensPath(dataDirOf(opts));
      if (opts.list) {
        const mine = readApiTokens(file).filter((t) => t.person === id);
        emit(opts, mine, tokenTable);
        return;
      }
      if (opts.revoke) {
        const entry = revokeApiToken(file, opts.revoke);
        emit(opts, entry, (e) => `revoked API token ${e.id} of ${e.person} (at ${e.revokedAt})`);
        return;
      }
      const registry = loadRegistry(opts.registry);
      const person = readPersons(opts.file, registry).find((p) => p.id === id);
      if (!person) throw new CliError(`unknown person "${id}": see "schakel persons list"`);
      if (person.disabled) throw new CliError(`${id} is disabled (${safeText(person.disabled.reason)}): a disabled person gets no token`);
      const { token, entry } = issueApiToken(file, id, { days: daysOf(opts.expires) });
      emit(opts, { ...entry, token }, (e) => `${e.token}\nAPI token ${e.id} for ${e.person} (${person.organisation}), valid until ${e.expiresAt}.\nShown once: keep it secret; send it as "Authorization: Bearer <token>". Revoke with "schakel persons token ${e.person} --revoke ${e.id}".`);
    });
}

/** `30d`, `12h` or a bare number of days, in days. */
function daysOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([dh]?)$/.exec(text.trim());
  if (!m) throw new CliError(`--expires "${text}": give days or hours, e.g. 30d or 12h`);
  return m[2] === "h" ? Number(m[1]) / 24 : Number(m[1]);
}

function tokenTable(tokens: ApiTokenEntry[]): string {
  if (tokens.length === 0) return color.dim("no API tokens");
  const now = Date.now();
  return tokens.map((t) => `${t.id}  created ${t.createdAt.slice(0, 16)}  expires ${t.expiresAt.slice(0, 16)}  ${t.revokedAt ? `revoked ${t.revokedAt.slice(0, 16)}` : Date.parse(t.expiresAt) <= now ? "expired" : "active"}`).join("\n");
}
