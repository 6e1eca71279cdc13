/**
 * Which person roles may do which action in the console and the CLI. The organisation's role
 * decides what its key may send (catalog senders); a person's role decides which of those sends a
 * signed-in person may start. Both must allow an action: a reader of a liaison may not post.
 */
import type { PersonRole } from "./persons.ts";

/** The actions a signed-in person can take. */
export const PERSON_ACTIONS = [
  "post-notice", "acknowledge-notice", "raise-signal", "request-coordination", "answer-coordination",
  "set-livc", "open-case", "consult-case", "answer-case", "plan-case", "report-case", "close-case", "transfer-case", "open-case-content",
  "correct-case", "erase-case", "triage-signal", "acknowledge-signal", "report-back-signal", "provide-signal-info",
  "confirm-digest", "route-digest-item", "share-knowledge", "curate-knowledge", "adopt-glossary",
] as const;
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/** The person roles allowed each action, most specific first (the first held is the role acted in). */
export const ACTION_ROLES: Readonly<Record<PersonAction, readonly PersonRole[]>> = {
  // A municipality's notice (to its neighbours or province: catalog nearbyOnly) is its contact point's, not a case role's.
  "post-notice": ["liaison", "platform-coordinator", "local-contact-point"],
  // Anyone who works on notices; a reader only reads, an operator runs the services.
  "acknowledge-notice": ["livc-coordinator", "livc-member", "liaison", "platform-coordinator", "local-contact-point"],
  "raise-signal": ["livc-coordinator", "livc-member", "local-contact-point"],
  // The raiser answers the platform coordinator's question about its signal.
  "provide-signal-info": ["livc-coordinator", "livc-member", "local-contact-point"],
  // Deciding on a signal in the platform's triage queue is the platform coordinator's alone.
  "triage-signal": ["platform-coordinator"],
  "acknowledge-signal": ["livc-coordinator", "livc-member", "liaison", "platform-coordinator", "local-contact-point"],
  "report-back-signal": ["livc-coordinator", "livc-member", "liaison", "local-contact-point"],
  "request-coordination": ["platform-coordinator", "livc-coordinator", "liaison", "local-contact-point"],
  "answer-coordination": ["liaison", "livc-coordinator", "platform-coordinator", "local-contact-point"],
  // Confirming that a digest was read: anyone who reads the organisation's mail.
  "confirm-digest": ["livc-coordinator", "livc-member", "liaison", "platform-coordinator", "local-contact-point", "reader"],
  // Passing a digest item on to a local partner: the municipality's own officials.
  "route-digest-item": ["livc-coordinator", "livc-member", "local-contact-point"],
  // Sharing with the library: anyone who acts for the organisation; publishing or rejecting: the curator's alone.
  "share-knowledge": ["livc-coordinator", "livc-member", "liaison", "platform-coordinator", "local-contact-point", "knowledge-curator", "reader"],
  "curate-knowledge": ["knowledge-curator"],
  // Adopting a glossary version for everyone: the platform coordinator's alone.
  "adopt-glossary": ["platform-coordinator"],
  // The municipality's decisions about its LIVC-R and its cases: its coordinator's.
  "set-livc": ["livc-coordinator"],
  "open-case": ["livc-coordinator"],
  "plan-case": ["livc-coordinator"],
  "close-case": ["livc-coordinator"],
  "transfer-case": ["livc-coordinator"],
  "erase-case": ["livc-coordinator"],
  // Case work of every member taking part: a municipality's coordinator or members, a partner's member or liaison.
  "consult-case": ["livc-coordinator", "livc-member", "liaison"],
  "answer-case": ["livc-member", "livc-coordinator", "liaison"],
  "report-case": ["livc-member", "livc-coordinator", "liaison"],
  // Rectifying what one's organisation wrote (its author is checked by the library and every participant).
  "correct-case": ["livc-coordinator", "livc-member", "liaison"],
  // Opening sealed case content; the LIVC-R composition decides further which roles take part for the organisation.
  "open-case-content": ["livc-coordinator", "livc-member", "liaison"],
};

/**
 * The role in which a person holding `roles` takes `action`: the first of the action's roles the
 * person holds, or undefined when none of them allows it.
 */
export function actingRole(roles: readonly PersonRole[], action: PersonAction): PersonRole | undefined {
  return ACTION_ROLES[action].find((r) => roles.includes(r));
}

/** Whether a person holding `roles` may take `action`. */
export const personMay = (roles: readonly PersonRole[], action: PersonAction): boolean => actingRole(roles, action) !== undefined;
