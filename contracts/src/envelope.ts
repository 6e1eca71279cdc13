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

/** CloudEvents 1.0 §"Attribute Naming Convention": lower-case ASCII letters and digits, at most 20. */
export const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;
/**
 * An absolute URI (RFC 3986 §4.3: a scheme, then no whitespace, control or bidi characters), as
 * CloudEvents requires of `dataschema`; Schakel's are `urn:schakel:schema:<type>:v<N>`.
 */
const AbsoluteUri = z.string().regex(/^[A-Za-z][A-Za-z0-9+.-]*:[!#-;=?-\[\]_a-z~%]+$/, "an absolute URI without spaces, e.g. urn:schakel:schema:notice.posted:v1");

/** An acting person's pseudonym: `p-` + 16 lower-case base32 characters (bus/pseudonyms.ts). */
export const ACTOR_PSEUDONYM = /^p-[a-z2-7]{16}$/;

export const EnvelopeHeader = z.object({
  specversion: z.literal(SPEC_VERSION),
  id: MessageId,
  /** `urn:schakel:org:<sender>`: a URI reference (no spaces), bound to `sender` by the receiver. */
  source: z.string().regex(/^urn:schakel:org:[a-z][a-z0-9-]{1,39}$/, "the source is urn:schakel:org:<sender>, e.g. urn:schakel:org:mechelen"),
  type: z.string().regex(/^[a-z]+(\.[a-z]+)+$/, "a message type is dotted lower-case words, e.g. notice.posted"),
  time: Timestamp,
  datacontenttype: z.literal("application/json"),
  dataschema: AbsoluteUri,
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
  /**
   * Extension: the person who acted, as a pseudonym only holders of the sender's credentials can
   * link to a person. Absent: the organisation's service acted. Always together with `actorrole`.
   */
  actor: z.string().regex(ACTOR_PSEUDONYM, "an actor is a pseudonym like p-abcdefghijklmnop (p- and 16 of a-z, 2-7)").optional(),
  /**
   * Extension: the person role the actor acted in (e.g. livc-member). A pattern, not the closed
   * list, so a role added later does not make the envelope unreadable; the receiver checks that the
   * sender can have persons in that role (`actor-mismatch`).
   */
  actorrole: z.string().regex(/^[a-z][a-z-]{1,39}$/, "an actor role is a person role like livc-member").optional(),
  /**
   * Extension: the version of the shared glossary (contracts/src/glossary.ts) whose definitions the
   * sender used for the message's terms. Absent (messages of earlier releases): version 1.
   */
  glossaryversion: z.number().int().positive().optional(),
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeader>;

/**
 * The envelope as it travels; `data` is validated separately by the schema of its `type`. Extra
 * attributes are kept (they are signed) but their names must follow the CloudEvents convention.
 */
export const RawEnvelope = EnvelopeHeader.extend({ data: z.unknown() })
  .catchall(z.unknown())
  .superRefine((env, ctx) => {
    for (const name of Object.keys(env)) {
      if (!ATTRIBUTE_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `attribute name "${name.slice(0, 40)}" is not CloudEvents: lower-case letters and digits only, at most 20` });
    }
  });
export type RawEnvelope = z.infer<typeof RawEnvelope>;

/** A typed envelope once `data` has passed the catalog schema. */
export type Envelope<D = unknown> = EnvelopeHeader & { data: D };

/**
 * The acting person as readers keep it: the envelope's `actor` and `actorrole`. Records and read
 * models hold this (never the person id), so it reads the same whoever may resolve it.
 */
export const ActorRef = z.object({ pseudonym: z.string().regex(ACTOR_PSEUDONYM), role: z.string().min(1).max(40) });
export type ActorRef = z.infer<typeof ActorRef>;

/** The acting person of a verified envelope; undefined when the organisation's service acted. */
export function actorRefOf(envelope: { actor?: string | undefined; actorrole?: string | undefined }): ActorRef | undefined {
  return envelope.actor && envelope.actorrole ? { pseudonym: envelope.actor, role: envelope.actorrole } : undefined;
}

/** The trace id inside a traceparent. */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

export { TraceId };
