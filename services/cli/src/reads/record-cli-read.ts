/**
 * The CLI's side of the read audit: a command that shows something sensitive (a trace, a notice or
 * record carrying a case reference, an export) records the read before it shows it, as interface
 * "cli". The reader is the person signed in with `schakel login` (checked as for an action: enabled,
 * of the organisation read as); without a sign-in it is whoever holds the organisation's credentials
 * on this machine, recorded as role "operator" without a person. A read that cannot be recorded is
 * not shown (the error ends the command).
 */
import { PERSON_ROLES, type ReadKind } from "@schakel/contracts";
import type { Bus, ReadInput } from "@schakel/contracts/bus";
import { dataDirOf, type GlobalOptions } from "../context.ts";
import { actingPerson, cliPersons, signedInPerson } from "../session/acting-person.ts";
import { readSession, sessionExpired } from "../session/store.ts";

/** What a command shows: which messages, about which case, why. */
export interface CliRead {
  kind: ReadKind;
  purpose: string;
  messageIds: string[];
  caseRef?: string;
}

/** Who reads for `organisation`: the signed-in person (in their first role), else the operator. */
export function cliReader(opts: GlobalOptions, organisation: string): Pick<ReadInput, "person" | "role"> {
  const actor = actingPerson(opts, { organisation, action: "see what it shows", roles: PERSON_ROLES });
  return actor ? { person: actor.person, role: actor.role } : { role: "operator" };
}

/**
 * The organisation a command that reads as no organisation (the operator's `trace`) records the
 * read for: the signed-in person's, else `fallback` (the platform's, whose index it reads).
 */
export function readingOrganisation(opts: GlobalOptions, fallback: string): string {
  const session = readSession(dataDirOf(opts));
  if (!session || sessionExpired(session)) return fallback;
  return signedInPerson(session, cliPersons(opts)).organisation;
}

/** Records one read by the CLI on `bus` (the reader's organisation); resolves once READS stored it. */
export async function recordCliRead(bus: Bus, opts: GlobalOptions, read: CliRead): Promise<void> {
  const messageIds = [...new Set(read.messageIds)].slice(0, 500);
  await bus.recordRead({ ...cliReader(opts, bus.org), interface: "cli", purpose: read.purpose, kind: read.kind, messageIds, ...(read.caseRef ? { caseRef: read.caseRef } : {}) });
}
