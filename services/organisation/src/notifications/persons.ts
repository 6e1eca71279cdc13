/**
 * The persons of one organisation, as the notifier needs them: from the persons file
 * (SCHAKEL_PERSONS, else infra/persons.json), read again when the file changed. An entry that
 * does not parse is left out here; `schakel persons check` names it.
 */
import { readFileSync, statSync } from "node:fs";
import { Person, PersonsFile } from "@schakel/contracts";
import { personsPath } from "@schakel/infra";

/** The parsed file, by organisation: a look-up per message costs a stat and a map read, however many persons the file lists. */
let cached: { path: string; mtimeMs: number; byOrg: Map<string, Person[]> } | undefined;

function load(path: string): Map<string, Person[]> {
  const mtimeMs = statSync(path).mtimeMs;
  if (cached?.path === path && cached.mtimeMs === mtimeMs) return cached.byOrg;
  const file = PersonsFile.parse(JSON.parse(readFileSync(path, "utf8")));
  const byOrg = new Map<string, Person[]>();
  for (const p of file.persons) {
    const parsed = Person.safeParse(p);
    if (!parsed.success) continue;
    const list = byOrg.get(parsed.data.organisation);
    if (list) list.push(parsed.data);
    else byOrg.set(parsed.data.organisation, [parsed.data]);
  }
  cached = { path, mtimeMs, byOrg };
  return byOrg;
}

/** The enabled persons of `org`; none when the persons file cannot be read. */
export function personsOf(org: string, file?: string): Person[] {
  try {
    return (load(personsPath(file)).get(org) ?? []).filter((p) => !p.disabled);
  } catch {
    return [];
  }
}
