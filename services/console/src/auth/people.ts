/**
 * Who may use this console: the person a sign-in or an API token names, looked up in the persons
 * file at every request (so disabling a person ends their access at once). Unknown or disabled
 * persons, and persons of an organisation whose keys this console does not hold, are refused —
 * a console never shows a person another organisation's viewpoint.
 */
import type { Person } from "@schakel/contracts";

export type PersonsSource = readonly Person[] | (() => readonly Person[]);

export type PersonCheck =
  | { ok: true; person: Person }
  | { ok: false; reason: "unknown-person" | "disabled-person" | "organisation-not-held"; message: string };

export const personsOf = (source: PersonsSource): readonly Person[] => (typeof source === "function" ? source() : source);

/** Checks person `id` against the persons and the organisations `held`. */
export function checkPerson(source: PersonsSource, held: readonly string[], id: string): PersonCheck {
  const person = personsOf(source).find((p) => p.id === id);
  if (!person) return { ok: false, reason: "unknown-person", message: `"${id}" is not in the persons file: ask an operator to add you ("schakel persons add")` };
  if (person.disabled) return { ok: false, reason: "disabled-person", message: `${id} is disabled (${person.disabled.reason}): ask an operator if this is wrong` };
  if (!held.includes(person.organisation)) {
    return { ok: false, reason: "organisation-not-held", message: `${id} works for ${person.organisation}, which this console does not serve: use your own organisation's console` };
  }
  return { ok: true, person };
}
