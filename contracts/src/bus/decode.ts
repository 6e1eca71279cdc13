/**
 * The receiving side of the contract: bytes + subject + headers in, a verified and typed
 * envelope or a Rejection out. Order matters: cheap structural checks first, the signature
 * before the data is trusted, then the headers that must agree with the signed envelope, the data
 * schema, and last the checks that read validated data (a receipt's `senderField` must name its
 * sender). docs/WIRE.md lists every step with its reason; the test vectors in
 * contracts/generated/test-vectors hold one message per reason.
 */
import { catalog, dataSchemaUri, isMessageType, type CatalogEntry, type MessageType } from "../catalog.ts";
import { RawEnvelope, sourceOf, type Envelope } from "../envelope.ts";
import { SchemaError } from "../errors.ts";
import { PERSON_ROLES, personRolesFor, type PersonRole } from "../persons.ts";
import { caseLawIssue } from "../case-law.ts";
import { nearbyAudienceIssue } from "../nearby.ts";
import { purposeBoundIssue } from "../purpose-bound.ts";
import { personalDataAdvice, personalDataInClear } from "../personal-data.ts";
import { parseMessageSubject, ROOTS } from "../subjects.ts";
import { LEAF } from "../streams.ts";
import { freshnessIssue, sourcedFromOutbox } from "./clock-skew.ts";
import type { KeyDirectory } from "./directory.ts";
import { reject, type Rejection } from "./rejection.ts";
import { verifySignature } from "./signature.ts";
import type { SignatureCheck } from "./crypto-pool.ts";
import { CLOUDEVENTS_JSON } from "./headers.ts";
import { parseStoredText } from "./stored-text.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

export interface DecodeInput {
  /** The live subject the message was signed for. */
  subject: string;
  body: Uint8Array;
  signature: string | undefined;
  /** When the broker stored it (JetStream's delivery metadata); keys revoked before this time are refused. */
  storedAt: Date;
  /**
   * The NATS headers the binding checks. Readers of stored messages always pass them
   * (`verifyStored`); a caller holding only body and signature leaves them out and skips these checks.
   */
  headers?: WireHeaders;
}

/** The headers the receiver checks besides the signature (undefined when absent). */
export interface WireHeaders {
  contentType?: string | undefined;
  traceparent?: string | undefined;
  /** The Nats-Msg-Id header; must be the envelope id (a replayed copy's names its replay run instead). */
  msgId?: string | undefined;
  /** False for replayed copies: their message id is not the envelope's. */
  checkMsgId?: boolean;
  /**
   * The Nats-Stream-Source header: one naming a leaf's OUTBOX widens the freshness check to the
   * OUTBOX's retention (clock-skew.ts).
   */
  streamSource?: string | undefined;
  /** Schakel-Waited-In: a re-driven copy of a message that had waited in that OUTBOX (the same widening). */
  waitedIn?: string | undefined;
}

export interface DecodeOptions {
  directory: KeyDirectory;
  /** Largest allowed distance between the envelope's time and the broker's storage time. */
  skewMs: number;
  /** Skip the skew check (replays of historical messages). */
  checkSkew?: boolean;
  /** How the signature is checked (default: verified here); a reader that verified ahead in a worker passes its outcome (crypto-pool.ts). */
  checkSignature?: SignatureCheck;
}

export type Decoded = { ok: true; type: MessageType; envelope: Envelope } | { ok: false; rejection: Rejection };

function fail(rejection: Rejection): Decoded {
  return { ok: false, rejection };
}

/**
 * Decodes and verifies one stored message in the order stated above. Never throws: every refusal
 * (malformed, forged, unknown key, wrong role, invalid data, a receipt naming another sender, …) is
 * returned as a Rejection to be filed in the dead-letter stream.
 */
export function decodeMessage(input: DecodeInput, opts: DecodeOptions): Decoded {
  const h = input.headers;
  // A message without Content-Type comes from a release before the binding was followed: read as
  // structured (the body is a JSON event). A different content type is another content mode.
  if (h?.contentType !== undefined && h.contentType !== CLOUDEVENTS_JSON) {
    return fail(reject("wrong-content-type", `Content-Type is "${h.contentType.slice(0, 80)}": Schakel messages are CloudEvents in structured mode, Content-Type ${CLOUDEVENTS_JSON}`));
  }
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(input.body));
  } catch (e) {
    return fail(reject("malformed-json", `body is not UTF-8 JSON: ${(e as Error).message.slice(0, 200)}`));
  }
  const env = RawEnvelope.safeParse(json);
  if (!env.success) {
    const err = SchemaError.fromZod("envelope", env.error);
    return fail(reject("invalid-envelope", err.message, err.issues));
  }
  const e = env.data;
  let parts;
  try {
    parts = parseMessageSubject(input.subject);
  } catch (err) {
    return fail(reject("subject-mismatch", (err as Error).message));
  }
  if (parts.sender !== e.sender || parts.audience !== e.audience || parts.type !== e.type) {
    return fail(reject("subject-mismatch", `envelope says ${e.sender}→${e.audience} ${e.type} but subject ${input.subject} says ${parts.sender}→${parts.audience} ${parts.type}`));
  }
  if (e.source !== sourceOf(e.sender)) {
    return fail(reject("source-mismatch", `message ${e.id} from "${e.sender}" says source ${e.source}: the source must be ${sourceOf(e.sender)}, the sender's own`));
  }
  // Retention follows the stream: case-confidential content kept on the coordination stream would
  // outlive the case retention by years, so it is refused wherever it appears.
  if (e.classification === "case-confidential" && parts.root !== ROOTS.case) {
    return fail(reject("case-content-in-clear", `message ${e.id} from "${e.sender}" is classified case-confidential but was sent on ${input.subject}: case content belongs in a case.* message (shorter retention)`));
  }
  if (!input.signature) return fail(reject("unsigned", `message ${e.id} from "${e.sender}" carries no Schakel-Signature header`));
  const key = opts.directory.checkSigningKey(e.sender, e.signingkey, input.storedAt);
  if (!key.ok) return fail(reject(key.reason, key.detail));
  if (!(opts.checkSignature ? opts.checkSignature(e.signingkey, key.key, input.subject, input.body, input.signature) : verifySignature(key.key, input.subject, input.body, input.signature))) {
    return fail(reject("forged", `signature of message ${e.id} does not match "${e.sender}"'s key over subject and body`));
  }
  if (opts.checkSkew !== false) {
    const stale = freshnessIssue(Date.parse(e.time), input.storedAt.getTime(), opts.skewMs, () => sourcedFromOutbox(h?.streamSource, LEAF.outboxStream) || sourcedFromOutbox(h?.waitedIn, LEAF.outboxStream));
    if (stale) return fail(reject("clock-skew", `message ${e.id} says ${e.time} but was stored at ${input.storedAt.toISOString()} (${stale})`));
  }
  // Header checks come after the signature: an unsigned or forged message is refused as such first.
  if (h && h.traceparent !== e.traceparent) {
    return fail(reject("traceparent-mismatch", h.traceparent === undefined ? `message ${e.id} from "${e.sender}" carries no traceparent header: send the envelope's traceparent as a header too` : `message ${e.id} from "${e.sender}" has traceparent header ${h.traceparent.slice(0, 60)} but envelope traceparent ${e.traceparent}: they must be equal`));
  }
  if (h && h.checkMsgId !== false && h.msgId !== e.id) {
    return fail(reject("msg-id-mismatch", `message ${e.id} from "${e.sender}" has Nats-Msg-Id ${h.msgId === undefined ? "(none)" : JSON.stringify(h.msgId.slice(0, 60))}: it must be the envelope id, so a retry is stored once`));
  }
  if (!isMessageType(e.type)) return fail(reject("unknown-type", `message type "${e.type}" is not in this reader's catalog`));
  if (e.dataversion > catalog[e.type].version) {
    return fail(reject("unsupported-version", `${e.type} ${e.id} from "${e.sender}" is dataversion ${e.dataversion}; this reader knows up to v${catalog[e.type].version}: upgrade the reader before senders send the new version`));
  }
  if (e.dataschema !== dataSchemaUri(e.type, e.dataversion)) {
    return fail(reject("dataschema-mismatch", `${e.type} ${e.id} from "${e.sender}" names dataschema ${e.dataschema}: it must be ${dataSchemaUri(e.type, e.dataversion)} (its type at its dataversion)`));
  }
  // The sending client checks roles too; a hand-built message that skips it is refused here.
  // Read with the roles it had: an organisation that has left since still sent what it sent.
  const from = opts.directory.memberOrFormer(e.sender);
  const roles = from?.roles ?? [];
  const allowed = catalog[e.type].senders;
  if (!allowed.some((r) => roles.includes(r))) {
    return fail(reject("sender-not-allowed", `"${e.sender}" (roles ${roles.join(", ")}) may not send ${e.type}; senders are ${allowed.join(", ")}`));
  }
  // A municipality's notice reaches only its neighbours and its province (nearby.ts).
  const far = from && nearbyAudienceIssue(catalog[e.type], from, e.audience, (id) => opts.directory.memberOrFormer(id));
  if (far) return fail(reject("sender-not-allowed", `${e.type} ${e.id}: ${far}`));
  // The acting person: both attributes or neither (earlier releases send neither: the service
  // acted), and a person role the sending organisation can have persons in.
  if ((e.actor === undefined) !== (e.actorrole === undefined)) {
    return fail(reject("actor-mismatch", `${e.type} ${e.id} from "${e.sender}" carries ${e.actor === undefined ? "actorrole but no actor" : "actor but no actorrole"}: send both (a person acted) or neither (the service acted)`));
  }
  if (e.actorrole !== undefined) {
    const open = personRolesFor(roles);
    if (!(PERSON_ROLES as readonly string[]).includes(e.actorrole) || !open.includes(e.actorrole as PersonRole)) {
      return fail(reject("actor-mismatch", `${e.type} ${e.id} from "${e.sender}" says actorrole "${e.actorrole}": "${e.sender}" (roles ${roles.join(", ")}) has persons only as ${open.join(", ")}`));
    }
  }
  // Messages from before the binding (no Content-Type) were sent when free text could hold control
  // characters: they are read with those characters replaced (stored-text.ts); newer ones are refused.
  // A caller without the headers (a replay into a handler) reads them the same way.
  const data = parseStoredText(catalog[e.type].schema, e.data, h?.contentType === undefined);
  if (!data.success) {
    const err = SchemaError.fromZod(`${e.type} data`, data.error, "data");
    return fail(reject("invalid-data", err.message, err.issues));
  }
  // Clear messages are kept for years and cannot be purged: what identifies a person travels sealed.
  if (parts.root === ROOTS.coord) {
    const found = personalDataInClear(e.type, data.data);
    if (found) return fail(reject("personal-data-in-clear", `message ${e.id} from "${e.sender}": ${personalDataAdvice(e.type, found)}`, [{ path: `data.${found.field}`, rule: found.kind, message: personalDataAdvice(e.type, found) }]));
  }
  // Case information is shared only on its legal basis and for the purposes of the consultation.
  const unlawful = caseLawIssue(e.type, e.dataversion, data.data);
  if (unlawful) return fail(reject("unlawful-purpose", `${e.type} ${e.id} from "${e.sender}": ${unlawful.message}`, [{ path: `data.${unlawful.field}`, rule: "case-law", message: unlawful.message }]));
  // A purpose-bound personal field opens only for the organisation the message names, on its copy.
  const bound = purposeBoundIssue(catalog[e.type].schema, e.audience, data.data);
  if (bound) return fail(reject("unlawful-purpose", `${e.type} ${e.id} from "${e.sender}": ${bound.message}`, [{ path: `data.${bound.field}`, rule: "purpose-bound", message: bound.message }]));
  // A receipt speaks for its sender only: a valid key cannot make another organisation appear to
  // have received or acknowledged something.
  const senderField = (catalog[e.type] as CatalogEntry).senderField;
  if (senderField !== undefined) {
    const named = (data.data as Record<string, unknown>)[senderField];
    if (named !== e.sender) {
      return fail(reject("sender-mismatch", `${e.type} ${e.id} from "${e.sender}" says data.${senderField} is ${JSON.stringify(named)}: data.${senderField} must name the sender itself ("${e.sender}"); an organisation speaks only for itself`));
    }
  }
  // `e` is the object the envelope schema just built for this message: give it the parsed data
  // in place of a copy (same keys, same order).
  const envelope = e as Envelope;
  envelope.data = data.data;
  return { ok: true, type: e.type, envelope };
}
