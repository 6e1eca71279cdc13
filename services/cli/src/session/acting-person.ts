/**
 * Who acts when a command acts for a person: the person signed in with `schakel login`, in one of
 * their roles that may take the action, for the organisation the command acts as. Without a
 * sign-in the organisation's service acts (undefined: no actor on the message). Everything is
 * checked before anything is sent: an ended sign-in, a person no longer in the persons file or
 * disabled, a person of another organisation, or one without a role for the action each stop the
 * command with a line that says what to do.
 */
import { ACTION_ROLES, type Actor, type Person, type PersonAction, type PersonRole } from "@schakel/contracts";
import { loadPersons } from "@schakel/infra";
import { dataDirOf, loadDirectory, readConnection, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { readSession, sessionExpired, type CliSession } from "./store.ts";

/** The persons file the running `up` signs in from (connection.json), else SCHAKEL_PERSONS or the demo's. */
export function cliPersonsFile(opts: GlobalOptions): string | undefined {
  try {
    return readConnection(dataDirOf(opts))?.personsFile;
  } catch {
    return undefined;
  }
}

/** The persons of the persons file, checked against the organisations of the data folder. */
export function cliPersons(opts: GlobalOptions): Person[] {
  return loadPersons(cliPersonsFile(opts), { organisations: loadDirectory(opts).organisations });
}

/** The signed-in person as the persons file has them now. @throws CliError when the person is gone or disabled */
export function signedInPerson(session: CliSession, persons: readonly Person[]): Person {
  const person = persons.find((p) => p.id === session.person);
  if (!person) throw new CliError(`you are signed in as "${session.person}", who is not in the persons file: run "schakel logout", then "schakel login" as a listed person`, EXIT.usage);
  if (person.disabled) {
    throw new CliError(`you are signed in as ${person.name} (${person.id}), who is disabled since ${person.disabled.at} (${person.disabled.reason}): run "schakel logout"`, EXIT.usage);
  }
  return person;
}

/** How each action is named in messages. */
const ACTION_NAMES: Readonly<Record<PersonAction, string>> = {
  "post-notice": "post a notice",
  "acknowledge-notice": "acknowledge a notice",
  "raise-signal": "raise a signal",
  "request-coordination": "request coordination",
  "answer-coordination": "answer a coordination request",
  "set-livc": "set the composition of an LIVC-R",
  "open-case": "open a case",
  "consult-case": "consult LIVC-R members about a case",
  "answer-case": "answer a case consultation",
  "plan-case": "set a case's follow-up plan",
  "report-case": "report on a case task",
  "close-case": "close a case",
  "transfer-case": "hand a case over to another LIVC-R",
  "open-case-content": "open case content",
  "correct-case": "correct a case record",
  "erase-case": "erase a case",
  "triage-signal": "decide on a signal in the triage queue",
  "acknowledge-signal": "acknowledge a signal",
  "report-back-signal": "report back on a forwarded signal",
  "provide-signal-info": "give the platform the information it asked for about a signal",
  "confirm-digest": "confirm reading a digest",
  "route-digest-item": "route a digest item to a local partner",
  "share-knowledge": "share knowledge",
  "curate-knowledge": "curate the knowledge library",
  "adopt-glossary": "adopt a glossary version",
};

/**
 * `{ actor }` for the organisation functions' input when a person is signed in, else `{}` (the
 * service acts). The roles that may take `action` are the contract's (ACTION_ROLES).
 */
export function actorFor(opts: GlobalOptions, organisation: string, action: PersonAction): { actor?: Actor } {
  const actor = actingPerson(opts, { organisation, action: ACTION_NAMES[action], roles: ACTION_ROLES[action] });
  return actor ? { actor } : {};
}

export interface ActAs {
  /** The organisation the command acts as (`--as`). */
  organisation: string;
  /** What the person does, for messages: e.g. "acknowledge a notice". */
  action: string;
  /** The person roles that may do it, in order of preference; the first one the person holds is used. */
  roles: readonly PersonRole[];
}

/**
 * The acting person for `act`, or undefined when nobody is signed in (the organisation's service
 * acts). @throws CliError: an ended sign-in (exit 1: run `schakel login` again), a person of
 * another organisation or without a role for the action (exit 2, naming both).
 */
export function actingPerson(opts: GlobalOptions, act: ActAs): Actor | undefined {
  const session = readSession(dataDirOf(opts));
  if (!session) return undefined;
  if (sessionExpired(session)) {
    throw new CliError(`your sign-in as ${session.person} ended at ${session.expiresAt}: run "schakel login" again (or "schakel logout" to act as the organisation's service)`, EXIT.failure);
  }
  const person = signedInPerson(session, cliPersons(opts));
  if (person.organisation !== act.organisation) {
    throw new CliError(`you are signed in as ${person.name} (${person.id}) of ${person.organisation}, who cannot act as ${act.organisation}: `
      + `use --as ${person.organisation}, or sign in as a person of ${act.organisation} ("schakel login"), or "schakel logout" to act as its service`, EXIT.usage);
  }
  const role = act.roles.find((r) => person.roles.includes(r));
  if (!role) {
    throw new CliError(`${person.name} (${person.id}) of ${person.organisation} holds ${person.roles.join(", ")}, and to ${act.action} a person needs ${act.roles.join(" or ")}: `
      + `sign in as another person, or "schakel logout" to act as the organisation's service`, EXIT.usage);
  }
  return { person: person.id, role };
}
