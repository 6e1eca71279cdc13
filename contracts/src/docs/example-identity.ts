/**
 * A fixed example identity for the documentation: an ed25519 key derived from a public label, so
 * the examples in the generated documents carry a real signature that verifies, and regenerating
 * the documents gives the same bytes (ed25519 signatures are deterministic). It is registered
 * nowhere: no bus accepts it.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** nkeys prefix byte of a user public key ("U…"). */
const USER_PREFIX = 20 << 3;
const ED25519_PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Encodes a raw ed25519 public key as a user nkey (what envelopes carry in `signingkey`). */
export function userNkey(raw: Uint8Array): string {
  const body = Buffer.concat([Buffer.from([USER_PREFIX]), raw]);
  const crc = crc16(body);
  return base32(Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]));
}

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
  return { publicKey: userNkey(raw), publicKeyObject, sign: (bytes) => sign(null, bytes, privateKey) };
}
