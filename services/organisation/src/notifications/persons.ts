/**
 * The persons of one organisation, as the notifier needs them: from the persons file
 * (SCHAKEL_PERSONS, else infra/persons.json), read again when the file changed. An entry that
 * does not parse is left out here; `schakel persons check` names it.
 */
import { readFileSync, statSync } from "node:fs";
import { Person, PersonsFile } from "@schakel/contracts";
import { personsPath } from "@schakel/infra";

let cached: { path: string; mtimeMs: number; persons: Person[] } | undefined;

function load(path: string): Person[] {
  const mtimeMs = statSync(path).mtimeMs;
  if (cached?.path === path && cached.mtimeMs === mtimeMs) return cached.persons;
  const file = PersonsFile.parse(JSON.parse(readFileSync(path, "utf8")));
  const persons = file.persons.flatMap((p) => {
    const parsed = Person.safeParse(p);
    return parsed.success ? [parsed.data] : [];
  });
  cached = { path, mtimeMs, persons };
  return persons;
}

/** The enabled persons of `org`; none when the persons file cannot be read. */
export function personsOf(org: string, file?: string): Person[] {
  try {
    return load(personsPath(file)).filter((p) => p.organisation === org && !p.disabled);
  } catch {
    return [];
  }
}

/** One person of `org`, enabled or not; undefined when unknown. */
export function findPerson(org: string, id: string, file?: string): Person | undefined {
  try {
    return load(personsPath(file)).find((p) => p.organisation === org && p.id === id);
  } catch {
    return undefined;
  }
}
