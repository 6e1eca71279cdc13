/**
 * The envelope around every message: CloudEvents 1.0 attributes (structured JSON mode) plus
 * Schakel's extensions. The sender's signature travels in the `Schakel-Signature` NATS header
 * and covers the subject and the exact body bytes, so every attribute here is signed.
 */
import { z } from "zod";
import { Audience, MessageId, OrgId, TraceId } from "./ids.ts";
import { Timestamp } from "./messages/common.ts";
import { Classification } from "./vocabulary.ts";

export const SPEC_VERSION = "1.0" as const;
/** CloudEvents `source` of every Schakel message: `urn:schakel:org:<sender>`. */
export const sourceOf = (org: string): string => `urn:schakel:org:${org}`;

export const EnvelopeHeader = z.object({
  specversion: z.literal(SPEC_VERSION),
  id: MessageId,
  source: z.string().startsWith("urn:schakel:org:"),
  type: z.string().regex(/^[a-z]+(\.[a-z]+)+$/, "a message type is dotted lower-case words, e.g. notice.posted"),
  time: Timestamp,
  datacontenttype: z.literal("application/json"),
  dataschema: z.string().min(1),
  /** Extension: the version of the data schema the sender validated against. */
  dataversion: z.number().int().positive(),
  /** Extension: the sending organisation (must equal the subject's sender token). */
  sender: OrgId,
  /** Extension: the audience this copy is addressed to (must equal the subject's audience token). */
  audience: Audience,
  classification: Classification,
  /** Extension: groups all messages of one business flow (e.g. a notice and its acknowledgements). */
  correlationid: MessageId,
  /** Extension: the id of the message this one answers. */
  causationid: MessageId.optional(),
  /** Extension: W3C trace context, also carried in NATS headers. */
  traceparent: z.string().regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, "a W3C traceparent like 00-<32 hex>-<16 hex>-01"),
  tracestate: z.string().max(512).optional(),
  /** Extension: the public nkey the sender signed with (one of its registered keys). */
  signingkey: z.string().regex(/^U[A-Z2-7]{55}$/, "a signing key is a public user nkey (U…)"),
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeader>;

/** The envelope as it travels; `data` is validated separately by the schema of its `type`. */
export const RawEnvelope = EnvelopeHeader.extend({ data: z.unknown() });
export type RawEnvelope = z.infer<typeof RawEnvelope>;

/** A typed envelope once `data` has passed the catalog schema. */
export type Envelope<D = unknown> = EnvelopeHeader & { data: D };

/** The trace id inside a traceparent. */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

export { TraceId };
