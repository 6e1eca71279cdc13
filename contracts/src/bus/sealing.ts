/**
 * Seals case content to named recipients: one random content key encrypts the content with
 * AES-256-GCM; for each recipient the key is wrapped with a key derived (HKDF-SHA256) from
 * X25519(ephemeral, recipient). Anyone without a recipient's curve seed — the platform and the
 * audit included — sees only the metadata around it.
 *
 * An optional context (e.g. `caseSealContext(...)`) is bound to the ciphertext as AES-GCM
 * associated data: a recipient that copies the sealed blob into a message of its own, about
 * another case, produces content that no longer opens.
 *
 * An optional case key makes content erasable: the key that encrypts the content is derived
 * (HKDF-SHA256) from the random content key *and* the case's own key, which its members keep
 * outside the streams and backups. Opening then needs both a recipient's curve seed and the case
 * key; once every copy of the case key is destroyed, no stored copy of the content opens again.
 */
import { createCipheriv, createDecipheriv, createHash, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
import { SchakelError } from "../errors.ts";
import type { SealedContent } from "../messages/sealed.ts";
import { rawX25519, x25519FromRaw } from "./nkey-codec.ts";

const ALG = "X25519-HKDF-SHA256-A256GCM" as const;
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const unb64 = (s: string): Buffer => Buffer.from(s, "base64url");

function wrapKey(shared: Buffer, ephemeral: Buffer, org: string): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, ephemeral, `schakel-seal-v1:${org}`, 32));
}

/** The context a case message's content is bound to: its type, sender, case and consultation. */
export function caseSealContext(type: string, sender: string, caseRef: string, consultationId: string): string {
  return `schakel-case-v1|${type}|${sender}|${caseRef}|${consultationId}`;
}

/** A case's own key: 32 random bytes, named by `caseKeyId`. */
export interface CaseKey {
  id: string;
  key: Buffer;
}

/** The public name of a case key: a hash of it (the key itself never travels in the clear). */
export const caseKeyId = (key: Buffer): string => createHash("sha256").update("schakel-case-key-id-v1").update(key).digest().subarray(0, 16).toString("base64url");

/** A new random case key. */
export function newCaseKey(): CaseKey {
  const key = randomBytes(32);
  return { id: caseKeyId(key), key };
}

function contentCipherKey(contentKey: Buffer, caseKey?: CaseKey): Buffer {
  return caseKey ? Buffer.from(hkdfSync("sha256", contentKey, caseKey.key, "schakel-case-content-v1", 32)) : contentKey;
}

/**
 * Seals `content` (any JSON value) to each recipient's X25519 public key, bound to `context` if
 * given, and erasable with `caseKey` if given.
 */
export function seal(content: unknown, recipients: { org: string; key: KeyObject }[], context?: string, caseKey?: CaseKey): SealedContent {
  const contentKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", contentCipherKey(contentKey, caseKey), iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(content), "utf8"), cipher.final()]);
  const eph = generateKeyPairSync("x25519");
  const ephRaw = rawX25519(eph.publicKey);
  return {
    alg: ALG,
    ...(caseKey ? { caseKey: caseKey.id } : {}),
    ephemeralPublicKey: b64(ephRaw),
    iv: b64(iv),
    tag: b64(cipher.getAuthTag()),
    ciphertext: b64(ciphertext),
    recipients: recipients.map(({ org, key }) => {
      const kek = wrapKey(diffieHellman({ privateKey: eph.privateKey, publicKey: key }), ephRaw, org);
      const wrapIv = randomBytes(12);
      const wrap = createCipheriv("aes-256-gcm", kek, wrapIv);
      const wrappedKey = Buffer.concat([wrap.update(contentKey), wrap.final()]);
      return { org, wrappedKey: b64(wrappedKey), iv: b64(wrapIv), tag: b64(wrap.getAuthTag()) };
    }),
  };
}

/**
 * Opens sealed content as `org` (with the same `context` it was sealed with, if any, and the case
 * key it was sealed under, if any); throws a clear error when `org` is not a named recipient, the
 * case key is not held (erased, or not received yet), or the content was altered or moved.
 */
export function open(sealed: SealedContent, org: string, privateKey: KeyObject, context?: string, caseKey?: CaseKey): unknown {
  const mine = sealed.recipients.find((r) => r.org === org);
  if (!mine) {
    throw new SchakelError("sealed", `this content is sealed to ${sealed.recipients.map((r) => r.org).join(", ")}; "${org}" is not a named recipient`, { org });
  }
  if (sealed.caseKey !== undefined && caseKey?.id !== sealed.caseKey) {
    throw new SchakelError("sealed", `this content is sealed under case key ${sealed.caseKey}, which "${org}" does not hold: the case was erased, or its key has not reached "${org}" yet`, { org, caseKey: sealed.caseKey });
  }
  try {
    const ephRaw = unb64(sealed.ephemeralPublicKey);
    const kek = wrapKey(diffieHellman({ privateKey, publicKey: x25519FromRaw(ephRaw) }), ephRaw, org);
    const unwrap = createDecipheriv("aes-256-gcm", kek, unb64(mine.iv));
    unwrap.setAuthTag(unb64(mine.tag));
    const contentKey = Buffer.concat([unwrap.update(unb64(mine.wrappedKey)), unwrap.final()]);
    const decipher = createDecipheriv("aes-256-gcm", contentCipherKey(contentKey, sealed.caseKey !== undefined ? caseKey : undefined), unb64(sealed.iv));
    if (context !== undefined) decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(unb64(sealed.tag));
    const plain = Buffer.concat([decipher.update(unb64(sealed.ciphertext)), decipher.final()]);
    return JSON.parse(plain.toString("utf8"));
  } catch (cause) {
    throw new SchakelError("sealed", `sealed content could not be opened as "${org}": it was altered, sealed to another key, or moved from another message (context)`, { org }, { cause });
  }
}
