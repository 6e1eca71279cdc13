/**
 * What a signature covers: the subject and the exact body bytes (the whole envelope, so sender,
 * audience, id, time, type and data are all signed). Receivers verify the bytes they received,
 * so no canonical re-serialisation is needed on either side.
 */
import { verify as edVerify, type KeyObject } from "node:crypto";

export const SIGNATURE_HEADER = "Schakel-Signature";
const PREFIX = Buffer.from("schakel-sig-v1\n");
const NL = Buffer.from("\n");

export function signingBytes(subject: string, body: Uint8Array): Buffer {
  return Buffer.concat([PREFIX, Buffer.from(subject), NL, body]);
}

export function encodeSignature(sig: Uint8Array): string {
  return `ed25519:${Buffer.from(sig).toString("base64url")}`;
}

/** Verifies `header` over subject+body; false for a malformed header or a wrong signature. */
export function verifySignature(key: KeyObject, subject: string, body: Uint8Array, header: string): boolean {
  if (!header.startsWith("ed25519:")) return false;
  const sig = Buffer.from(header.slice(8), "base64url");
  if (sig.length !== 64) return false;
  return edVerify(null, signingBytes(subject, body), key, sig);
}
