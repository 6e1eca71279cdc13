/**
 * Private key objects from raw 32-byte seeds, built fast and once. OpenSSL 3 decodes a PKCS#8
 * document in about 0.75 ms, and a process hosting hundreds of organisations builds each key
 * several times (identities, server config, connection, signing): seconds at start-up. Node builds
 * an OKP key from a JWK with the raw private bytes directly (about 0.1 ms); it does not read the
 * public half (`x`) of a private JWK, which is why an empty one is passed. Whether that holds on
 * the running Node is checked once against the PKCS#8 path; where it does not, PKCS#8 is used.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export type OkpCurve = "Ed25519" | "X25519";

const PKCS8_PREFIX: Record<OkpCurve, Buffer> = {
  Ed25519: Buffer.from("302e020100300506032b657004220420", "hex"),
  X25519: Buffer.from("302e020100300506032b656e04220420", "hex"),
};

const viaPkcs8 = (curve: OkpCurve, raw: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[curve], raw]), format: "der", type: "pkcs8" });

const viaJwk = (curve: OkpCurve, raw: Uint8Array): KeyObject =>
  createPrivateKey({ key: { kty: "OKP", crv: curve, d: Buffer.from(raw).toString("base64url"), x: "" }, format: "jwk" });

const publicDer = (key: KeyObject): string => createPublicKey(key).export({ format: "der", type: "spki" }).toString("hex");

let jwkChecked: boolean | undefined;

/** Whether the JWK path gives the same keys as PKCS#8 on this Node (checked once, on a fixed seed). */
function jwkPathHolds(): boolean {
  if (jwkChecked === undefined) {
    const probe = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
    try {
      jwkChecked = (["Ed25519", "X25519"] as const).every((c) => publicDer(viaJwk(c, probe)) === publicDer(viaPkcs8(c, probe)));
    } catch {
      jwkChecked = false;
    }
  }
  return jwkChecked;
}

/** Keys built so far, by the seed's text; bounded, the oldest entry goes first. */
const built = new Map<string, KeyObject>();
const BUILT_MAX = 4_096;

/** The private key of `raw()` on `curve`, built at most once per `seed` text while it stays cached. */
export function privateKeyOf(curve: OkpCurve, seed: string, raw: () => Uint8Array): KeyObject {
  let key = built.get(seed);
  if (!key) {
    const bytes = raw();
    key = jwkPathHolds() ? viaJwk(curve, bytes) : viaPkcs8(curve, bytes);
    if (built.size >= BUILT_MAX) built.delete(built.keys().next().value!);
    built.set(seed, key);
  }
  return key;
}
