/** The signing and opening side of one organisation, built once from its credentials. */
import { createHmac, sign as edSign, type KeyObject } from "node:crypto";
import { uuidFromBytes } from "../ids.ts";
import type { OrgCredentials } from "./credentials.ts";
import { ed25519PrivateKey, rawSeed, userNkeyOfSeed, x25519PrivateKey } from "./nkey-codec.ts";
import { pseudonymKey, pseudonymWith } from "./pseudonyms.ts";

export interface Identity {
  org: string;
  /** Public user nkey (U…): what the broker authenticates and receivers verify against. */
  publicKey: string;
  seed: string;
  sign(bytes: Uint8Array): Buffer;
  /** Private X25519 key for opening sealed content. */
  sealingPrivateKey: KeyObject;
  /**
   * A deterministic message id for an effect, unpredictable to anyone without this seed: a
   * retried effect gets the same id (JetStream drops the duplicate) and no other organisation
   * can pre-empt it in the duplicate window.
   */
  derivedId(key: string): string;
  /**
   * The pseudonym of one of this organisation's persons (`p-` + 16 base32), keyed by a key of
   * its own derived from the seed: stable, different per organisation, linkable to the person
   * only by holders of this seed. Throws SchemaError for a malformed person id.
   */
  pseudonymOf(personId: string): string;
}

export function identityFrom(creds: OrgCredentials): Identity {
  const privateKey = ed25519PrivateKey(creds.seed);
  const idKey = createHmac("sha256", "schakel-derived-id-v1").update(rawSeed(creds.seed)).digest();
  const personKey = pseudonymKey(creds.seed);
  return {
    org: creds.org,
    publicKey: userNkeyOfSeed(creds.seed),
    seed: creds.seed,
    sign: (bytes) => edSign(null, bytes, privateKey),
    sealingPrivateKey: x25519PrivateKey(creds.curveSeed),
    derivedId: (key) => uuidFromBytes(createHmac("sha256", idKey).update(key).digest()),
    pseudonymOf: (personId) => pseudonymWith(personKey, personId),
  };
}
