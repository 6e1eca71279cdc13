/**
 * Who acted, as the console shows it. Messages carry the acting person as a pseudonym and role;
 * the console resolves pseudonyms with a PersonIndex built from the persons list and the
 * credentials it holds (`personIndexOf`; a console holding one organisation's keys resolves only
 * that organisation's persons). A name is shown only to viewers of the acting organisation and to
 * the platform; every other viewer sees the pseudonym and the role, as the bus shows them.
 */
import type { ActorRef, Person } from "@schakel/contracts";
import { PersonIndex } from "@schakel/contracts/bus";
import type { IdentitySource } from "../identities.ts";
import type { KnownActor } from "./notice-book.ts";
import type { Viewpoint } from "./visibility.ts";

/** The PersonIndex for the organisations whose credentials `identities` holds. */
export async function personIndexOf(identities: IdentitySource, persons: readonly Person[]): Promise<PersonIndex> {
  const credentials = await Promise.all(identities.available().map((org) => identities.credentials(org)));
  return PersonIndex.fromCredentials(persons, credentials);
}

/** The actor with the name `index` resolves for its pseudonym, if any. */
export function knownActor(ref: ActorRef, index: PersonIndex): KnownActor {
  const person = index.resolve(ref.pseudonym);
  return { pseudonym: ref.pseudonym, role: ref.role, ...(person ? { name: person.name } : {}) };
}

/** May `viewer` see the names of `org`'s persons: its own organisation's, or any for the platform. */
export const mayNamePersonsOf = (viewer: Viewpoint, org: string): boolean => viewer.platform || viewer.org === org;

/** The actor as `viewer` may see it: without the name unless it may see `org`'s persons' names. */
export function shownActor(actor: KnownActor, org: string, viewer: Viewpoint): KnownActor {
  return actor.name !== undefined && mayNamePersonsOf(viewer, org) ? actor : { pseudonym: actor.pseudonym, role: actor.role };
}
