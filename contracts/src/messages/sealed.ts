/**
 * Sealed content: encrypted to named recipients (X25519 + HKDF-SHA256 + AES-256-GCM). Only the
 * envelope's metadata and the pseudonymous case reference stay readable for the platform.
 */
import { z } from "zod";
import { OrgId } from "../ids.ts";

const B64 = z.string().regex(/^[A-Za-z0-9_-]+$/, "base64url without padding");

export const SealedRecipient = z.object({
  org: OrgId,
  wrappedKey: B64.describe("the content key encrypted to this recipient"),
  iv: B64,
  tag: B64,
});

export const SealedContent = z.object({
  alg: z.literal("X25519-HKDF-SHA256-A256GCM"),
  /** The case key the content is also bound to (erasable content); absent: sealed to the recipients alone, as before. */
  caseKey: B64.optional().describe("the id of the case key the content key is bound to (erasure by key destruction)"),
  ephemeralPublicKey: B64,
  iv: B64,
  tag: B64,
  ciphertext: B64,
  recipients: z.array(SealedRecipient).min(1).max(20),
});
export type SealedContent = z.infer<typeof SealedContent>;
