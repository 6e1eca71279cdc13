/**
 * Changing the persons file for `schakel persons add|disable`: every check runs before anything
 * is written, and the file is replaced atomically (a temporary file beside it, then a rename), so
 * a reader sees the old file or the new one, never half of one. Persons are never deleted.
 */
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { Person, type Registry } from "@schakel/contracts";
import { loadPersons, misfits, personsPath, renderPersons } from "@schakel/infra";
import { CliError } from "../exit-codes.ts";

/** The option that sets each person field, to name it in errors. */
const OPTION_OF: Record<string, string> = { id: "--id", name: "--name", organisation: "--org", roles: "--role", email: "--email" };

/** The persons of the file, or none when it does not exist yet (a new `--file`). */
export function readPersons(file: string | undefined, registry: Registry): Person[] {
  return existsSync(personsPath(file)) ? loadPersons(file, registry) : [];
}

/** Writes the persons file atomically in its stable format. */
export function savePersons(file: string | undefined, persons: readonly Person[]): void {
  const path = personsPath(file);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, renderPersons(persons));
  renameSync(temporary, path);
}

export interface NewPerson {
  id: string;
  name: string;
  org: string;
  role: string;
  email?: string;
}

/**
 * Checks a new person against the schema, the registry and the persons already in the file.
 * @throws CliError (exit 2) naming the option to fix
 */
export function checkNewPerson(input: NewPerson, existing: readonly Person[], registry: Registry): Person {
  const candidate = {
    id: input.id,
    name: input.name,
    organisation: input.org,
    roles: input.role.split(",").map((r) => r.trim()).filter((r) => r !== ""),
    ...(input.email !== undefined ? { email: input.email } : {}),
  };
  const parsed = Person.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option = OPTION_OF[String(issue.path[0])] ?? String(issue.path[0]);
    throw new CliError(`${option}: ${issue.message}`);
  }
  const misfit = misfits(parsed.data, registry)[0];
  if (misfit) throw new CliError(`${OPTION_OF[misfit.field]}: ${misfit.message}`);
  const same = existing.find((p) => p.id === parsed.data.id);
  if (same) {
    throw new CliError(`--id "${same.id}": this id is taken by ${same.name} of ${same.organisation}${same.disabled ? " (disabled)" : ""}; person ids are never reused: choose another, e.g. add a second initial`);
  }
  return parsed.data;
}

/** The result of disabling: the person, and whether it was disabled before. */
export interface Disabled {
  person: Person;
  already: boolean;
}

/**
 * Marks `id` disabled at `at` with `reason`, keeping the entry; a person disabled before stays as is.
 * @throws CliError (exit 2) for an unknown id or a bad reason
 */
export function disablePerson(persons: Person[], id: string, reason: string, at: Date): Disabled {
  const index = persons.findIndex((p) => p.id === id);
  if (index < 0) throw new CliError(`unknown person "${id}"; see \`schakel persons list --all\``);
  const person = persons[index]!;
  if (person.disabled) return { person, already: true };
  const parsed = Person.safeParse({ ...person, disabled: { at: at.toISOString(), reason } });
  if (!parsed.success) throw new CliError(`--reason: ${parsed.error.issues[0]!.message}`);
  persons[index] = parsed.data;
  return { person: parsed.data, already: false };
}
