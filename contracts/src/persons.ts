/**
 * Persons: the people who work for an organisation on the bus, and what each may do there. The
 * persons file (infra/persons.json) lists them; sign-in and the read audit build on these names.
 *
 * A person id is chosen once and never changes or returns: the initial(s) and surname, lower
 * case, joined by '.' (e.g. `m.peeters`, `an.de-smet`). It does not contain the organisation, so
 * a person who moves keeps their id and their past actions stay attributable. A person is never
 * deleted, only `disabled`.
 */
import { z } from "zod";
import { OrgId } from "./ids.ts";
import { Timestamp, lineText } from "./messages/common.ts";
import type { Role } from "./vocabulary.ts";

/** What a person may do; a closed list. */
export const PERSON_ROLES = [
  "platform-coordinator", "livc-coordinator", "livc-member", "liaison", "reader", "operator", "local-contact-point", "knowledge-curator",
] as const;
export const PersonRole = z.enum(PERSON_ROLES);
export type PersonRole = z.infer<typeof PersonRole>;

/**
 * The organisation role a person role needs (undefined: any organisation): a platform coordinator
 * works for the platform, the LIVC-R is coordinated by a municipality and its members work for an
 * LIVC partner (municipalities, police, justice houses, …), a liaison for a liaison. The local
 * contact point for radicalisation ("lokaal aanspreekpunt") is the municipal official who speaks
 * for the municipality towards other governments (warns its neighbours, raises signals, reads the
 * digests): a municipality's, and apart from the LIVC-R's case roles, which professional secrecy
 * governs. The knowledge curator works for the knowledge partner (VVSG) and publishes to the library.
 */
export const PERSON_ROLE_NEEDS: Readonly<Record<PersonRole, Role | undefined>> = {
  "platform-coordinator": "platform",
  "livc-coordinator": "municipality",
  "livc-member": "livc-partner",
  liaison: "liaison",
  reader: undefined,
  operator: undefined,
  "local-contact-point": "municipality",
  "knowledge-curator": "knowledge-partner",
};

/** The person roles open to an organisation with the given roles, in the order of PERSON_ROLES. */
export function personRolesFor(orgRoles: readonly Role[]): PersonRole[] {
  return PERSON_ROLES.filter((r) => {
    const needs = PERSON_ROLE_NEEDS[r];
    return needs === undefined || orgRoles.includes(needs);
  });
}

export const PersonId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/,
    "a person id is lower case: initial(s) and surname joined by '.', e.g. m.peeters or an.de-smet (letters, digits, '-')",
  )
  .max(64, "a person id has at most 64 characters");
export type PersonId = z.infer<typeof PersonId>;

/** Why and when a person was disabled; a disabled person stays in the file. */
export const PersonDisabled = z.object({
  at: Timestamp,
  reason: lineText().min(3, "give a reason of at least 3 characters").max(300),
});
export type PersonDisabled = z.infer<typeof PersonDisabled>;

export const Person = z.object({
  id: PersonId,
  name: lineText().min(2, "a display name needs at least 2 characters").max(120),
  organisation: OrgId,
  roles: z
    .array(PersonRole)
    .min(1, `a person needs at least one role: ${PERSON_ROLES.join(", ")}`)
    .refine((roles) => new Set(roles).size === roles.length, "a role is listed twice: list each role once"),
  email: z.email("an e-mail address like name@example.be").optional(),
  disabled: PersonDisabled.optional(),
});
export type Person = z.infer<typeof Person>;

/**
 * Who acts: a person in one of their roles. On the wire it becomes the envelope's `actor`
 * (a pseudonym of the person, keyed by the sending organisation's secret) and `actorrole`;
 * a message without them was sent by the organisation's service.
 */
export const Actor = z.object({ person: PersonId, role: PersonRole });
export type Actor = z.infer<typeof Actor>;

/** The persons file: one object with the list of persons. Each entry is checked on its own (infra's loadPersons). */
export const PersonsFile = z.object({ persons: z.array(z.unknown()) });
export type PersonsFile = z.infer<typeof PersonsFile>;
