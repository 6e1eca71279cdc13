/**
 * Seals case content to named recipients: one random content key encrypts the content with
 * AES-256-GCM; for each recipient the key is wrapped with a key derived (HKDF-SHA256) from
 * X25519(ephemeral, recipient). Anyone without a recipient's curve seed — the platform and the
 * audit included — sees only the metadata around it.
 *
 * An optional context (e.g. `caseSealContext(...)`) is bound to the ciphertext as AES-GCM
 * associated data: a recipient that copies the sealed blob into a message of its own, about
 * another case, produces content that no longer opens.
 */
import { createCipheriv, createDecipheriv, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
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

/** Seals `content` (any JSON value) to each recipient's X25519 public key, bound to `context` if given. */
export function seal(content: unknown, recipients: { org: string; key: KeyObject }[], context?: string): SealedContent {
  const contentKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", contentKey, iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(content), "utf8"), cipher.final()]);
  const eph = generateKeyPairSync("x25519");
  const ephRaw = rawX25519(eph.publicKey);
  return {
    alg: ALG,
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
 * Opens sealed content as `org` (with the same `context` it was sealed with, if any); throws a
 * clear error when `org` is not a named recipient, or the content was altered or moved.
 */
export function open(sealed: SealedContent, org: string, privateKey: KeyObject, context?: string): unknown {
  const mine = sealed.recipients.find((r) => r.org === org);
  if (!mine) {
    throw new SchakelError("sealed", `this content is sealed to ${sealed.recipients.map((r) => r.org).join(", ")}; "${org}" is not a named recipient`, { org });
  }
  try {
    const ephRaw = unb64(sealed.ephemeralPublicKey);
    const kek = wrapKey(diffieHellman({ privateKey, publicKey: x25519FromRaw(ephRaw) }), ephRaw, org);
    const unwrap = createDecipheriv("aes-256-gcm", kek, unb64(mine.iv));
    unwrap.setAuthTag(unb64(mine.tag));
    const contentKey = Buffer.concat([unwrap.update(unb64(mine.wrappedKey)), unwrap.final()]);
    const decipher = createDecipheriv("aes-256-gcm", contentKey, unb64(sealed.iv));
    if (context !== undefined) decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(unb64(sealed.tag));
    const plain = Buffer.concat([decipher.update(unb64(sealed.ciphertext)), decipher.final()]);
    return JSON.parse(plain.toString("utf8"));
  } catch (cause) {
    throw new SchakelError("sealed", `sealed content could not be opened as "${org}": it was altered, sealed to another key, or moved from another message (context)`, { org }, { cause });
  }
}
