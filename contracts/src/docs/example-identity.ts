/**
 * A fixed example identity for the documentation: an ed25519 key derived from a public label, so
 * the examples in the generated documents carry a real signature that verifies, and regenerating
 * the documents gives the same bytes (ed25519 signatures are deterministic). It is registered
 * nowhere: no bus accepts it.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { userNkeyFromRaw } from "../bus/nkey-codec.ts";

const ED25519_PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");

/** The documentation's signing identity. */
export interface ExampleIdentity {
  /** Public user nkey (U…). */
  publicKey: string;
  publicKeyObject: KeyObject;
  sign(bytes: Uint8Array): Buffer;
}

/** Derives the example identity from `label` (same label, same key). */
export function exampleIdentity(label = "schakel documentation example"): ExampleIdentity {
  const seed = createHash("sha256").update(label).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: "der", type: "pkcs8" });
  const publicKeyObject = createPublicKey(privateKey);
  const raw = publicKeyObject.export({ format: "der", type: "spki" }).subarray(-32);
  return { publicKey: userNkeyFromRaw(raw), publicKeyObject, sign: (bytes) => sign(null, bytes, privateKey) };
}
