/**
 * The persons file beside the registry (persons.json): who works for which organisation, in which
 * person roles. Loading checks every entry against the schema and the registry, and every problem
 * names the line of the file where its entry starts, the field, and what to do. `renderPersons`
 * writes the file back in its one stable format (2-space JSON), so an edit changes only its entry.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { PERSON_ROLE_NEEDS, Person, PersonsFile, SchakelError, personRolesFor, type PersonRole, type Registry } from "@schakel/contracts";

/** The demo persons shipped with Schakel, beside the demo registry. */
export const DEFAULT_PERSONS_PATH = fileURLToPath(new URL("../persons.json", import.meta.url));

/** The persons file to use: the given one, else SCHAKEL_PERSONS, else the one beside the registry. */
export const personsPath = (file?: string): string => file ?? process.env.SCHAKEL_PERSONS ?? DEFAULT_PERSONS_PATH;

/** One problem in the persons file: where (line, field), what, and what to do. */
export interface PersonProblem {
  line: number;
  field: string;
  message: string;
}

/** The persons file is unreadable or invalid; `problems` lists each, one per line of the message. */
export class PersonsFileError extends SchakelError {
  constructor(readonly path: string, readonly problems: PersonProblem[]) {
    const name = basename(path);
    super("schema", problems.map((p) => `${name} line ${p.line}: ${p.message}`).join("\n"), { path, problems });
    this.name = "PersonsFileError";
  }
}

/**
 * Reads and checks the persons file against `registry`.
 * @throws PersonsFileError for a missing or malformed file, a bad entry, an unknown organisation,
 * a duplicate id or a role the organisation cannot hold.
 */
export function loadPersons(file: string | undefined, registry: Registry): Person[] {
  const path = personsPath(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new PersonsFileError(path, [{ line: 0, field: "", message: `cannot read the persons file ${path}: ${(cause as Error).message}` }]);
  }
  return parsePersons(text, registry, path);
}

/** Checks the text of a persons file; `path` only names it in errors. @throws PersonsFileError */
export function parsePersons(text: string, registry: Registry, path = "persons.json"): Person[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    const { line, column } = positionOf(text, cause as Error);
    const what = (cause as Error).message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    throw new PersonsFileError(path, [{ line, field: "", message: `malformed JSON at column ${column}: ${what}; fix the syntax (a missing comma or quote, a trailing comma)` }]);
  }
  const file = PersonsFile.safeParse(raw);
  if (!file.success) throw new PersonsFileError(path, [{ line: 1, field: "persons", message: `expected { "persons": [ … ] }: one object with the list of persons` }]);
  const starts = entryLines(text);
  const problems: PersonProblem[] = [];
  const persons: Person[] = [];
  const lineOfId = new Map<string, number>();
  file.data.persons.forEach((entry, i) => {
    const line = starts[i] ?? 1;
    const parsed = Person.safeParse(entry);
    if (!parsed.success) {
      const who = typeof (entry as { id?: unknown })?.id === "string" ? `person "${(entry as { id: string }).id}"` : `entry ${i + 1}`;
      for (const issue of parsed.error.issues) {
        const field = issue.path.join(".") || "(entry)";
        problems.push({ line, field, message: `${who}: ${field}: ${issue.message}` });
      }
      return;
    }
    const fit = misfits(parsed.data, registry);
    const earlier = lineOfId.get(parsed.data.id);
    if (earlier !== undefined) fit.unshift({ field: "id", message: `duplicate id (first on line ${earlier}); a person id is unique: choose another, e.g. add a second initial` });
    else lineOfId.set(parsed.data.id, line);
    for (const m of fit) problems.push({ line, field: m.field, message: `person "${parsed.data.id}" of "${parsed.data.organisation}": ${m.message}` });
    if (fit.length === 0) persons.push(parsed.data);
  });
  if (problems.length > 0) throw new PersonsFileError(path, problems);
  return persons;
}

/** What does not fit the registry: an unknown organisation, or a role the organisation cannot hold. */
export function misfits(person: Person, registry: Registry): Omit<PersonProblem, "line">[] {
  const org = registry.organisations.find((o) => o.id === person.organisation);
  if (!org) {
    const known = registry.organisations.map((o) => o.id).join(", ");
    return [{ field: "organisation", message: `unknown organisation "${person.organisation}"; use one of the registry: ${known}` }];
  }
  const open = personRolesFor(org.roles);
  return person.roles
    .filter((r) => !open.includes(r))
    .map((r) => ({ field: "roles", message: `role "${r}" is only for ${holdersOf(r, registry)}; use ${orList(open)}` }));
}

/** Who a role is for, e.g. "the platform (vpr)", from PERSON_ROLE_NEEDS and the registry. */
function holdersOf(role: PersonRole, registry: Registry): string {
  const needs = PERSON_ROLE_NEEDS[role];
  const holders = registry.organisations.filter((o) => needs !== undefined && o.roles.includes(needs)).map((o) => o.id);
  const who = needs === "platform" ? "the platform" : needs === "municipality" ? "municipalities" : `organisations with the registry role "${needs}"`;
  return `${who} (${holders.join(", ")})`;
}

const orList = (xs: string[]): string => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);

/** The file text for `persons`: 2-space JSON, keys in schema order, a final newline. */
export function renderPersons(persons: readonly Person[]): string {
  const ordered = persons.map(({ id, name, organisation, roles, email, disabled }) => ({
    id, name, organisation, roles, ...(email !== undefined ? { email } : {}), ...(disabled ? { disabled: { at: disabled.at, reason: disabled.reason } } : {}),
  }));
  return JSON.stringify({ persons: ordered }, null, 2) + "\n";
}

/** Line (1-based) and column of a JSON.parse error, from its "position N" (else the end of the text). */
function positionOf(text: string, err: Error): { line: number; column: number } {
  const at = Number(/position (\d+)/.exec(err.message)?.[1] ?? text.length);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return { line, column: at - before.lastIndexOf("\n") };
}

/**
 * The line where each entry of the top-level "persons" array starts, by a scan of the (valid)
 * JSON text that tracks strings and nesting: entry i starts at the first character after the
 * array's `[` or after the comma that ends entry i-1.
 */
function entryLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0, line = 1, inString = false, escaped = false, lastKey = "", stringStart = 0;
  let arrayDepth = -1, expectEntry = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\n") line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') {
        inString = false;
        if (depth === 1) lastKey = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (depth === arrayDepth && expectEntry && !/\s/.test(c)) {
      lines.push(line);
      expectEntry = false;
    }
    if (c === '"') (inString = true), (stringStart = i);
    else if (c === "{" || c === "[") {
      depth++;
      if (c === "[" && depth === 2 && lastKey === "persons" && arrayDepth === -1) (arrayDepth = 2), (expectEntry = true);
    } else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === arrayDepth) expectEntry = true;
  }
  return lines;
}
