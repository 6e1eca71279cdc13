/**
 * Building messages that are not genuine: unsigned, re-signed by another key, altered after
 * signing, replayed elsewhere. Each starts from a genuine envelope built by the real bus code.
 */
import { createCurve, createUser } from "@nats-io/nkeys";
import { headers, type MsgHdrs } from "@nats-io/transport-node";
import { messageSubject, sampleData, type InputOf } from "@schakel/contracts";
import { buildOutgoing, encodeSignature, HEADERS, identityFrom, signingBytes, wireContext, type Identity, type KeyDirectory, type Outgoing } from "@schakel/contracts/bus";

const dec = new TextDecoder();
const enc = new TextEncoder();

/** An identity for `org` with a brand-new key that no directory knows. */
export function strangerFor(org: string): Identity {
  return identityFrom({ org, seed: dec.decode(createUser().getSeed()), curveSeed: dec.decode(createCurve().getSeed()) });
}

/** A genuine, signed notice from `identity` to `to` whose body text carries `marker`. */
export function notice(identity: Identity, directory: KeyDirectory, to: string, marker: string, time?: Date): Outgoing<"notice.posted"> {
  const data: InputOf<"notice.posted"> = { ...sampleData("notice.posted"), body: `Notice ${marker}` };
  return buildOutgoing(identity, directory, "notice.posted", data, { to, ...(time ? { time } : {}) }, wireContext());
}

/** The envelope as a plain object, to alter fields before re-serialising. */
export function envelopeOf(body: Uint8Array): Record<string, unknown> {
  return JSON.parse(dec.decode(body)) as Record<string, unknown>;
}

/** Serialises an envelope and signs it (subject + body) with `signer`. */
export function signed(signer: Identity, subject: string, envelope: Record<string, unknown>): { subject: string; body: Uint8Array; headers: MsgHdrs } {
  const body = enc.encode(JSON.stringify(envelope));
  const h = headers();
  h.set(HEADERS.signature, encodeSignature(signer.sign(signingBytes(subject, body))));
  return { subject, body, headers: h };
}

/** Headers with only the given signature header value (or none). */
export function signatureHeader(value?: string): MsgHdrs {
  const h = headers();
  if (value) h.set(HEADERS.signature, value);
  return h;
}

export const noticeSubject = (to: string, from: string): string => messageSubject("notice.posted", to, from);
