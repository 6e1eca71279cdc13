/**
 * Acting persons on the wire. A message sent for a person carries `actor`, a pseudonym of that
 * person, and `actorrole`. The pseudonym is `p-` + the first 16 characters of lower-case base32 of
 * HMAC-SHA256(k, "schakel-person-v1\n" + person id), where k is derived from the sending
 * organisation's seed with a label of its own (not the key of derived message ids). So it is
 * stable per person and organisation, differs between organisations, and only whoever holds the
 * organisation's credentials can tell which person it names: the `PersonIndex` built here from
 * the persons list and the credentials held. Everyone else sees the pseudonym and the role.
 */
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { actorRefOf, type ActorRef } from "../envelope.ts";
import { SchemaError } from "../errors.ts";
import { PersonId, type Person } from "../persons.ts";
import type { OrgCredentials } from "./credentials.ts";
import { base32Encode, rawSeed } from "./nkey-codec.ts";

/** What is hashed per person, before the person id. */
export const PSEUDONYM_INPUT_PREFIX = "schakel-person-v1\n";

/**
 * The organisation's pseudonym key: HMAC-SHA256 keyed by the label "schakel-person-key-v1" over
 * the raw 32-byte ed25519 seed (given as the nkey seed `SU…` or as those bytes).
 */
export function pseudonymKey(seed: string | Uint8Array): KeyObject {
  return createSecretKey(createHmac("sha256", "schakel-person-key-v1").update(typeof seed === "string" ? rawSeed(seed) : seed).digest());
}

/** The pseudonym of `personId` under `key`; throws SchemaError for a malformed person id. */
export function pseudonymWith(key: KeyObject, personId: string): string {
  const id = PersonId.safeParse(personId);
  if (!id.success) throw SchemaError.fromZod("person id", id.error, "person");
  const mac = createHmac("sha256", key).update(PSEUDONYM_INPUT_PREFIX + id.data).digest();
  return `p-${base32Encode(mac).slice(0, 16).toLowerCase()}`;
}

/** Anything that computes one organisation's pseudonyms: an `Identity`, a `Bus`. */
export interface PseudonymSource {
  org: string;
  pseudonymOf(personId: string): string;
}

/** Who acted on a message, as a reader can tell. */
export type ActedBy =
  | { kind: "service" }
  | { kind: "person"; pseudonym: string; role: string; person?: Person };

/**
 * Pseudonym → person, for the organisations whose credentials one holds. Persons of other
 * organisations are not in it: their pseudonyms stay pseudonyms.
 */
export class PersonIndex {
  readonly #byPseudonym = new Map<string, Person>();

  /** Indexes each person whose organisation is among `sources` (disabled persons too: their past actions stay attributable). */
  constructor(persons: readonly Person[], sources: Iterable<PseudonymSource>) {
    const byOrg = new Map<string, PseudonymSource>();
    for (const s of sources) byOrg.set(s.org, s);
    for (const p of persons) {
      const source = byOrg.get(p.organisation);
      if (source) this.#byPseudonym.set(source.pseudonymOf(p.id), p);
    }
  }

  /** The index for the organisations whose credentials (seeds) are given; the seeds stay in here. */
  static fromCredentials(persons: readonly Person[], credentials: Iterable<Pick<OrgCredentials, "org" | "seed">>): PersonIndex {
    const sources = [...credentials].map((c): PseudonymSource => {
      const key = pseudonymKey(c.seed);
      return { org: c.org, pseudonymOf: (id) => pseudonymWith(key, id) };
    });
    return new PersonIndex(persons, sources);
  }

  /** An index that resolves nobody (a reader without credentials or persons). */
  static readonly empty = new PersonIndex([], []);

  /** How many persons it resolves. */
  get size(): number {
    return this.#byPseudonym.size;
  }

  /** The person behind `pseudonym`, or undefined when it is not one of the indexed organisations' persons. */
  resolve(pseudonym: string): Person | undefined {
    return this.#byPseudonym.get(pseudonym);
  }

  /** Who acted on a message with these envelope attributes (`actor`/`actorrole` absent: the service). */
  actedBy(envelope: { actor?: string | undefined; actorrole?: string | undefined }): ActedBy {
    return actedByOf(envelope, this);
  }

  /** Who acted, from a kept `ActorRef` (undefined: the service). */
  actedByRef(ref: ActorRef | undefined | null): ActedBy {
    return ref ? actedByOf({ actor: ref.pseudonym, actorrole: ref.role }, this) : { kind: "service" };
  }
}

/** Who acted, from the envelope's `actor`/`actorrole`, resolved through `index` when given. */
export function actedByOf(envelope: { actor?: string | undefined; actorrole?: string | undefined }, index?: PersonIndex): ActedBy {
  const ref = actorRefOf(envelope);
  if (!ref) return { kind: "service" };
  const person = index?.resolve(ref.pseudonym);
  return { kind: "person", pseudonym: ref.pseudonym, role: ref.role, ...(person ? { person } : {}) };
}

/** One line for people, in English: "An De Smet (livc-member)", "p-… (livc-member)" or "its service". */
export function actedByText(by: ActedBy): string {
  if (by.kind === "service") return "its service";
  return `${by.person ? by.person.name : by.pseudonym} (${by.role})`;
}
