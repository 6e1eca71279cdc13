/**
 * Turns nkeys (NATS's base32 text form of ed25519/x25519 keys) into `node:crypto` KeyObjects,
 * once per key. Per-message crypto runs on node:crypto: the pure-JS nkeys signer is ~250×
 * slower (measured: 15 ms vs 64 µs per signature).
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { SchakelError } from "../errors.ts";
import { privateKeyOf } from "./private-keys.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new SchakelError("signature", `an nkey contains "${ch}", which is not base32`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** RFC 4648 base32 (upper case, no padding), as nkeys use it. */
export function base32Encode(bytes: Uint8Array): string {
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

function checked(text: string): Uint8Array {
  const raw = base32Decode(text);
  const body = raw.subarray(0, raw.length - 2);
  const crc = raw[raw.length - 2]! | (raw[raw.length - 1]! << 8);
  if (crc16(body) !== crc) throw new SchakelError("signature", `nkey ${text.slice(0, 8)}… has a bad checksum`);
  return body;
}

/** nkeys prefix byte of a user public key ("U…"). */
const USER_PREFIX = 20 << 3;

/** A public nkey: prefix byte, raw key, CRC-16 (little-endian), base32. */
function publicNkey(prefix: number, raw: Uint8Array): string {
  const body = Buffer.concat([Buffer.from([prefix]), raw]);
  const crc = crc16(body);
  return base32Encode(Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]));
}

/** Encodes a raw ed25519 public key as a public user nkey (U…). */
export function userNkeyFromRaw(raw: Uint8Array): string {
  return publicNkey(USER_PREFIX, raw);
}

/** nkeys prefix byte of a curve public key ("X…"). */
const CURVE_PREFIX = 23 << 3;

/** Encodes a raw X25519 public key as a public curve nkey (X…). */
export function curveNkeyFromRaw(raw: Uint8Array): string {
  return publicNkey(CURVE_PREFIX, raw);
}

/** The raw 32-byte public key of a public nkey (U… user, X… curve). */
export function rawPublicKey(nkey: string): Uint8Array {
  const body = checked(nkey);
  if (body.length !== 33) throw new SchakelError("signature", `${nkey.slice(0, 8)}… is not a public nkey`);
  return body.subarray(1);
}

/** The raw 32-byte seed of a seed nkey (SU… user, SX… curve). */
export function rawSeed(seed: string): Uint8Array {
  const body = checked(seed);
  if (body.length !== 34) throw new SchakelError("signature", "the text is not an nkey seed");
  return body.subarray(2);
}

/** The private key of a user seed (SU…), built once (private-keys.ts). */
export function ed25519PrivateKey(seed: string): KeyObject {
  return privateKeyOf("Ed25519", seed, () => rawSeed(seed));
}

/**
 * A public OKP key from its raw 32 bytes, imported as a JWK: OpenSSL 3 decodes the same key as an
 * SPKI document in about 85 µs, Node builds it from the JWK in about 10 µs (the same holds for
 * private keys: private-keys.ts). A process that checks the receipts of 589 municipalities makes
 * 589 of these for the first notice.
 */
const okpPublicKey = (crv: "Ed25519" | "X25519", raw: Uint8Array): KeyObject =>
  createPublicKey({ key: { kty: "OKP", crv, x: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64url") }, format: "jwk" });

export function ed25519PublicKey(nkey: string): KeyObject {
  return okpPublicKey("Ed25519", rawPublicKey(nkey));
}

/** The private key of a curve seed (SX…), built once (private-keys.ts). */
export function x25519PrivateKey(seed: string): KeyObject {
  return privateKeyOf("X25519", seed, () => rawSeed(seed));
}

export function x25519PublicKey(nkey: string): KeyObject {
  return okpPublicKey("X25519", rawPublicKey(nkey));
}

/**
 * The public user nkey (U…) of a user seed, derived with node:crypto: the nkeys library derives it
 * in pure JS (about 7 ms each), which at hundreds of organisations was most of `schakel up`.
 */
export function userNkeyOfSeed(seed: string): string {
  return publicOnce(seed, () => userNkeyFromRaw(rawPublicOf(ed25519PrivateKey(seed))));
}

/** The public curve nkey (X…) of a curve seed, derived with node:crypto. */
export function curveNkeyOfSeed(seed: string): string {
  return publicOnce(seed, () => curveNkeyFromRaw(rawPublicOf(x25519PrivateKey(seed))));
}

/** The raw 32 bytes of an OKP public key: its JWK `x` (about 2 µs to export; the SPKI document, about 115 µs). */
const jwkX = (key: KeyObject): Buffer => Buffer.from((key.export({ format: "jwk" }) as { x: string }).x, "base64url");

/** The raw public half of an OKP private key. */
const rawPublicOf = (key: KeyObject): Buffer => jwkX(createPublicKey(key));

/** Public nkeys derived so far, by seed (bounded like the private keys). */
const derived = new Map<string, string>();

function publicOnce(seed: string, make: () => string): string {
  let nkey = derived.get(seed);
  if (!nkey) {
    nkey = make();
    if (derived.size >= 4_096) derived.delete(derived.keys().next().value!);
    derived.set(seed, nkey);
  }
  return nkey;
}

/** Raw 32 bytes of an X25519 public KeyObject (for ephemeral keys on the wire). */
export function rawX25519(key: KeyObject): Buffer {
  return jwkX(key);
}

export function x25519FromRaw(raw: Uint8Array): KeyObject {
  return okpPublicKey("X25519", raw);
}
