/**
 * The payload every side sends: one `notice.posted` whose envelope is ~1 KB. Raw nats.js sends
 * the bytes of a real Schakel envelope, so both sides move the same number of bytes; the crypto
 * limit signs and verifies exactly such a body.
 */
import { verify, type KeyObject } from "node:crypto";
import { messageSubject, type InputOf } from "@schakel/contracts";
import { ed25519PublicKey, signingBytes, type Bus } from "@schakel/contracts/bus";

/** Target size of one envelope on the wire (body only, headers apart). */
export const PAYLOAD_BYTES = 1024;

export type NoticeData = InputOf<"notice.posted">;

/** The notice whose envelope, as built by `bus`, is about `bytes` long. */
export function noticeOfSize(bus: Bus, to: string, bytes = PAYLOAD_BYTES): NoticeData {
  return noticeOfSizeFor((d) => bus.prepare("notice.posted", d, { to }).body.length, bytes);
}

/** The notice whose envelope is about `bytes` long, given how long an envelope of some notice is. */
export function noticeOfSizeFor(envelopeLength: (d: NoticeData) => number, bytes = PAYLOAD_BYTES): NoticeData {
  const base = (body: string): NoticeData => ({
    noticeId: "0190a6c4-2f1e-7c3a-8b2d-4e5f6a7b8c9d",
    title: "Updated threat assessment for the region",
    body,
    category: "threat-assessment",
    recipients: ["antwerpen", "mechelen", "gent"],
    ackRequired: true,
    ackBy: new Date(Date.now() + 86_400_000).toISOString(),
    preventionTier: "secondary",
    extremismForms: ["jihadist", "far-right"],
  });
  const filler = "The threat level for public events stays at 2; see the attached guidance for organisers. ";
  const probe = envelopeLength(base("x"));
  const want = Math.max(1, bytes - probe + 1);
  return base(filler.repeat(Math.ceil(want / filler.length)).slice(0, want).trim().padEnd(want, "."));
}

/**
 * A signed ~1 KB message frozen once: what raw nats.js publishes, and what the crypto-limit sides
 * sign (publish) or verify (consume) once per message.
 */
export interface FrozenMessage {
  subject: string;
  body: Uint8Array;
  /** "schakel-sig-v1\n" + subject + "\n" + body: what one signature covers. */
  signed: Buffer;
  signature: Buffer;
  publicKey: KeyObject;
}

export function freezeMessage(bus: Bus, data: NoticeData, to: string): FrozenMessage {
  const out = bus.prepare("notice.posted", data, { to });
  const signed = signingBytes(out.subject, out.body);
  return {
    subject: messageSubject("notice.posted", to, bus.org),
    body: out.body,
    signed,
    signature: bus.identity.sign(signed),
    publicKey: ed25519PublicKey(bus.identity.publicKey),
  };
}

/** Exactly one ed25519 verification (the crypto limit, consume side); throws if it fails. */
export function verifyOnce(m: FrozenMessage): void {
  if (!verify(null, m.signed, m.publicKey, m.signature)) throw new Error("crypto limit: the frozen signature does not verify");
}
