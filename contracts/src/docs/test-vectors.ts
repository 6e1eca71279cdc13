/**
 * Language-neutral test vectors of the receiving check, written to contracts/generated/test-vectors:
 * each is a stored message (subject, headers, body bytes in base64, the broker's storage time), the
 * key directory the receiver holds, and the verdict the receiver must reach — accepted, or refused
 * with its reason. Every refusal reason of the decode path has at least one vector. Built from the
 * signed examples (documentation key) by changing one thing each, so they are deterministic; the
 * project's own tests run them through `verifyStored`, the code path every consumer uses.
 */
import { createHash } from "node:crypto";
import { dataSchemaUri, MESSAGE_TYPES, type MessageType } from "../catalog.ts";
import { sourceOf } from "../envelope.ts";
import type { Directory } from "../organisation.ts";
import { EXAMPLE_SEALED } from "../samples.ts";
import { sandboxSubject } from "../subjects.ts";
import { CLOUDEVENTS_JSON, HEADERS, replayCopyId } from "../bus/headers.ts";
import { curveNkeyFromRaw } from "../bus/nkey-codec.ts";
import type { RejectReason } from "../bus/rejection.ts";
import { pseudonymKey, pseudonymWith } from "../bus/pseudonyms.ts";
import { encodeSignature, signingBytes } from "../bus/signature.ts";
import { exampleIdentity, type ExampleIdentity } from "./example-identity.ts";
import { EXAMPLE_KEY_LABEL, EXAMPLE_ROUTES, EXAMPLE_TIME, exampleId, exampleMessage } from "./examples.ts";

/** One vector, as written to its JSON file. */
export interface TestVector {
  name: string;
  description: string;
  subject: string;
  /** NATS headers, one value each. */
  headers: Record<string, string>;
  /** The exact body bytes, base64. */
  body: string;
  /** The broker's storage time (JetStream's delivery metadata `timestamp`). */
  storedAt: string;
  /** Largest allowed |envelope time − storedAt|, in seconds. */
  skewSeconds: number;
  /** True for a reader that accepts replayed copies (replay mode). */
  replays: boolean;
  /** The key the message was signed with (public user nkey). */
  publicKey: string;
  /** The receiver's key directory (the format of `directory.json`). */
  directory: Directory;
  expected: { verdict: "accepted"; type: MessageType } | { verdict: "refused"; reason: RejectReason };
}

const SKEW_SECONDS = 300;
const STORED_AT = new Date(EXAMPLE_TIME + 2_000).toISOString();
const KEY_SINCE = "2026-01-01T00:00:00.000Z";
const enc = new TextEncoder();

/** Level and roles of the organisations the examples use (as in the demo registry). */
const ORGANISATIONS: Record<string, Pick<Directory["organisations"][number], "name" | "level" | "roles">> = {
  "fed-ocam": { name: "OCAM / CUTA", level: "federal", roles: ["liaison"] },
  "fed-police": { name: "Federale Politie", level: "federal", roles: ["liaison", "livc-partner"] },
  mechelen: { name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  antwerpen: { name: "Stad Antwerpen", level: "local", roles: ["municipality", "livc-partner"] },
  vilvoorde: { name: "Stad Vilvoorde", level: "local", roles: ["municipality", "livc-partner"] },
  vpr: { name: "Vlaams Platform Radicalisering", level: "flemish", roles: ["platform", "liaison"] },
  onderwijs: { name: "Departement Onderwijs en Vorming", level: "flemish", roles: ["policy-domain"] },
  vvsg: { name: "VVSG", level: "supralocal", roles: ["knowledge-partner"] },
};

const sealingKey = (org: string): string => curveNkeyFromRaw(createHash("sha256").update(`schakel test vector sealing key ${org}`).digest());

/** A directory in which each of `orgs` signs with `key` (revoked at `revokedAt`, when given). */
function directoryOf(orgs: string[], key: string, revokedAt?: string): Directory {
  return {
    generatedAt: KEY_SINCE,
    organisations: orgs.map((id) => ({
      id, ...ORGANISATIONS[id]!,
      signingKeys: [{ key, createdAt: KEY_SINCE, ...(revokedAt ? { revokedAt } : {}) }],
      sealingKey: sealingKey(id),
    })),
  };
}

interface Wire {
  subject: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Signs `envelope` for `subject` with `signer`, with the headers a correct sender sets. */
function signedWire(signer: ExampleIdentity, subject: string, envelope: Record<string, unknown>): Wire {
  const body = enc.encode(JSON.stringify(envelope));
  return {
    subject, body,
    headers: {
      [HEADERS.contentType]: CLOUDEVENTS_JSON, [HEADERS.msgId]: String(envelope.id),
      [HEADERS.signature]: encodeSignature(signer.sign(signingBytes(subject, body))), [HEADERS.traceparent]: String(envelope.traceparent),
    },
  };
}

const without = (headers: Record<string, string>, name: string): Record<string, string> => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));

/** Every vector, in a stable order. */
export function testVectors(): TestVector[] {
  const key = exampleIdentity(EXAMPLE_KEY_LABEL);
  const stranger = exampleIdentity("schakel test vector stranger");
  const base = exampleMessage("notice.posted");
  const env = JSON.parse(base.body) as Record<string, unknown>;
  const directory = directoryOf(["fed-ocam", "mechelen"], key.publicKey);
  const vectors: TestVector[] = [];
  const add = (name: string, description: string, wire: Wire, expected: TestVector["expected"], more: Partial<TestVector> = {}): void => {
    vectors.push({
      name, description, subject: wire.subject, headers: wire.headers, body: Buffer.from(wire.body).toString("base64"),
      storedAt: STORED_AT, skewSeconds: SKEW_SECONDS, replays: false, publicKey: key.publicKey, directory, expected, ...more,
    });
  };
  const refused = (reason: RejectReason) => ({ verdict: "refused" as const, reason });
  /** The base notice with `changes` to its envelope, signed again by `signer`. */
  const resigned = (changes: Record<string, unknown>, subject = base.subject, signer = key): Wire => signedWire(signer, subject, { ...env, ...changes });
  const baseWire: Wire = { subject: base.subject, headers: base.headers, body: enc.encode(base.body) };

  for (const type of MESSAGE_TYPES) {
    const m = exampleMessage(type);
    const route = EXAMPLE_ROUTES[type];
    add(`accepted-${type}`, `The signed example of ${type}, ${route.from} → ${route.to}: accepted.`, { subject: m.subject, headers: m.headers, body: enc.encode(m.body) },
      { verdict: "accepted", type }, { directory: directoryOf([route.from, route.to].filter((o) => ORGANISATIONS[o]), key.publicKey) });
  }
  add("accepted-without-content-type", "A message stored by a release before the CloudEvents binding was followed (no Content-Type header): read as structured, accepted.",
    { ...baseWire, headers: without(base.headers, HEADERS.contentType) }, { verdict: "accepted", type: "notice.posted" });
  add("refused-malformed-json", "The body is not JSON.", { ...baseWire, body: enc.encode("notice: hello") }, refused("malformed-json"));
  add("refused-wrong-content-type", "Content-Type application/json: binary content mode, which Schakel does not use.",
    { ...baseWire, headers: { ...base.headers, [HEADERS.contentType]: "application/json" } }, refused("wrong-content-type"));
  add("refused-invalid-envelope-source-with-space", "A source with a space is not a URI reference.", resigned({ source: "urn:schakel:org:fed ocam" }), refused("invalid-envelope"));
  add("refused-invalid-envelope-dataschema-not-uri", "A dataschema that is not an absolute URI.", resigned({ dataschema: "notice posted v1" }), refused("invalid-envelope"));
  add("refused-invalid-envelope-extension-name", "An extension attribute whose name is not lower-case letters and digits.", resigned({ Trace_Flag: "x" }), refused("invalid-envelope"));
  add("refused-invalid-envelope-missing-id", "An envelope without an id.", resigned({ id: undefined }), refused("invalid-envelope"));
  add("refused-subject-mismatch", "A message signed for mechelen, stored on antwerpen's subject.", { ...baseWire, subject: base.subject.replace(".mechelen.", ".antwerpen.") }, refused("subject-mismatch"));
  add("refused-source-mismatch", "fed-ocam's message claiming source urn:schakel:org:mechelen.", resigned({ source: sourceOf("mechelen") }), refused("source-mismatch"));
  add("refused-case-content-in-clear", "A case-confidential message on a coord.* subject.", resigned({ classification: "case-confidential" }), refused("case-content-in-clear"));
  add("refused-unsigned", "No Schakel-Signature header.", { ...baseWire, headers: without(base.headers, HEADERS.signature) }, refused("unsigned"));
  add("refused-unknown-organisation", "The sender is not in the directory.", baseWire, refused("unknown-organisation"), { directory: directoryOf(["mechelen"], key.publicKey) });
  add("refused-unknown-key", "Signed with a key the directory does not hold for the sender.", resigned({ signingkey: stranger.publicKey }, base.subject, stranger), refused("unknown-key"));
  add("refused-revoked-key", "The key was revoked before the broker stored the message.", baseWire, refused("revoked-key"),
    { directory: directoryOf(["fed-ocam", "mechelen"], key.publicKey, new Date(EXAMPLE_TIME - 60_000).toISOString()) });
  add("accepted-key-revoked-after-storage", "The key was revoked after the broker stored the message: still accepted.", baseWire, { verdict: "accepted", type: "notice.posted" },
    { directory: directoryOf(["fed-ocam", "mechelen"], key.publicKey, new Date(EXAMPLE_TIME + 60_000).toISOString()) });
  add("refused-forged", "The body was changed after signing.", { ...baseWire, body: enc.encode(base.body.replace('"audience":"mechelen"', '"audience":"mechelen" ')) }, refused("forged"));
  add("refused-clock-skew", "Stored 10 minutes after its envelope time (tolerance 5 minutes).", baseWire, refused("clock-skew"), { storedAt: new Date(EXAMPLE_TIME + 600_000).toISOString() });
  add("refused-traceparent-missing", "No traceparent header.", { ...baseWire, headers: without(base.headers, HEADERS.traceparent) }, refused("traceparent-mismatch"));
  add("refused-msg-id-mismatch", "Nats-Msg-Id differs from the envelope id.", { ...baseWire, headers: { ...base.headers, [HEADERS.msgId]: exampleId("another message") } }, refused("msg-id-mismatch"));
  add("refused-unknown-type", "A type this reader's catalog does not have.", resigned({ type: "notice.retracted" }, base.subject.replace("notice.posted", "notice.retracted")), refused("unknown-type"));
  add("refused-unsupported-version", "dataversion 2 of a type this reader knows at v1.", resigned({ dataversion: 2, dataschema: dataSchemaUri("notice.posted", 2) }), refused("unsupported-version"));
  add("refused-dataschema-mismatch", "A dataschema naming another type.", resigned({ dataschema: dataSchemaUri("signal.raised") }), refused("dataschema-mismatch"));
  const ack = exampleMessage("notice.acknowledged");
  const ackEnv = JSON.parse(ack.body) as Record<string, unknown>;
  add("refused-sender-not-allowed", "mechelen (municipality) may post a notice only to the municipalities near it (its neighbours, its province), not to fed-ocam.",
    resigned({ sender: "mechelen", source: sourceOf("mechelen"), audience: "fed-ocam" }, base.subject.replace(".mechelen.fed-ocam.", ".fed-ocam.mechelen.")), refused("sender-not-allowed"));
  add("refused-invalid-data", "The notice's data has no title.", resigned({ data: { ...(env.data as object), title: undefined } }), refused("invalid-data"));
  add("refused-invalid-data-control-character", "An escape character in the title (Content-Type present: held to the current rule).",
    resigned({ data: { ...(env.data as object), title: "Dreiging \u001b[2J gewijzigd" } }), refused("invalid-data"));
  add("accepted-legacy-control-character", "The same title in a message stored before the rule (no Content-Type): read, the character replaced by U+FFFD.",
    (() => { const w = resigned({ data: { ...(env.data as object), title: "Dreiging \u001b[2J gewijzigd" } }); return { ...w, headers: without(w.headers, HEADERS.contentType) }; })(),
    { verdict: "accepted", type: "notice.posted" });
  // The acting person: the pseudonym of person a.peeters under the documentation seed (SHA-256 of its label).
  const actor = pseudonymWith(pseudonymKey(createHash("sha256").update(EXAMPLE_KEY_LABEL).digest()), "a.peeters");
  const ackDirectory = directoryOf(["fed-ocam", "mechelen"], key.publicKey);
  const acted = (attributes: Record<string, unknown>): Wire => signedWire(key, ack.subject, { ...ackEnv, ...attributes });
  add("accepted-notice.acknowledged-with-actor", `mechelen's acknowledgement made by its person a.peeters as livc-member: actor ${actor} (the pseudonym under the documentation seed), accepted.`,
    acted({ actor, actorrole: "livc-member" }), { verdict: "accepted", type: "notice.acknowledged" }, { directory: ackDirectory });
  add("refused-actor-mismatch-role", "mechelen (a municipality) says a platform-coordinator acted: no person of mechelen can hold that role.",
    acted({ actor, actorrole: "platform-coordinator" }), refused("actor-mismatch"), { directory: ackDirectory });
  add("refused-actor-mismatch-unknown-role", "An actorrole that is no person role.", acted({ actor, actorrole: "mayor" }), refused("actor-mismatch"), { directory: ackDirectory });
  add("refused-actor-mismatch-without-role", "An actor without actorrole.", acted({ actor }), refused("actor-mismatch"), { directory: ackDirectory });
  add("refused-invalid-envelope-actor-in-clear", "An actor that is a person id, not a pseudonym.", acted({ actor: "a.peeters", actorrole: "livc-member" }), refused("invalid-envelope"), { directory: ackDirectory });
  add("refused-personal-data-in-clear-register-number", "A notice whose body holds a national register number (85.07.30-033.28, check digits valid): personal data belongs in a case consultation.",
    resigned({ data: { ...(env.data as object), body: "Released on Monday: 85.07.30-033.28." } }), refused("personal-data-in-clear"));
  add("accepted-eleven-digits-failing-the-check", "Eleven digits whose check digits do not match (85.07.30-033.27): not a national register number, accepted.",
    resigned({ data: { ...(env.data as object), body: "Reference 85.07.30-033.27 of the municipal archive." } }), { verdict: "accepted", type: "notice.posted" });
  const request = exampleMessage("coordination.requested");
  const requestEnv = JSON.parse(request.body) as Record<string, unknown>;
  add("refused-personal-data-in-clear-case-reference", "A coordination request whose topic names a case: the case is discussed in its consultation.",
    signedWire(key, request.subject, { ...requestEnv, data: { ...(requestEnv.data as object), topic: "Follow-up of LIVC-MECH-2026-0042" } }), refused("personal-data-in-clear"),
    { directory: directoryOf([EXAMPLE_ROUTES["coordination.requested"].from, EXAMPLE_ROUTES["coordination.requested"].to].filter((o) => ORGANISATIONS[o]), key.publicKey) });
  // A detainee-release notice to mechelen about a resident of `residence`, the person's details sealed to `sealedTo`.
  const release = (residence: string, ...sealedTo: string[]) => resigned({
    data: {
      ...(env.data as object), category: "detainee-release", residence,
      person: { purposes: ["consultation", "follow-up"], sealed: { ...EXAMPLE_SEALED, recipients: sealedTo.map((org) => ({ ...EXAMPLE_SEALED.recipients[0]!, org })) } },
    },
  });
  // Sealed to the municipality of residence only, on its own copy.
  add("accepted-person-sealed-to-residence", "A detainee-release notice to mechelen whose person's details are sealed to mechelen, its municipality of residence.",
    release("mechelen", "mechelen"), { verdict: "accepted", type: "notice.posted" });
  add("refused-unlawful-purpose-person-on-another-copy", "The copy for mechelen carries the person's details sealed to antwerpen, the municipality of residence, but not to mechelen: a copy holds them sealed to the residence alone only when it is the residence's.",
    release("antwerpen", "antwerpen"), refused("unlawful-purpose"));
  // On the copy of a member of the residence's LIVC-R: sealed to the residence and that member.
  add("accepted-person-sealed-to-residence-and-member", "The copy for mechelen of a notice about an antwerpen resident, its details sealed to antwerpen and mechelen: the copy of a member of antwerpen's LIVC-R (membership is the sender's check, against the composition it holds).",
    release("antwerpen", "antwerpen", "mechelen"), { verdict: "accepted", type: "notice.posted" });
  add("refused-unlawful-purpose-person-to-a-third", "The copy for mechelen with the details sealed to antwerpen (the residence), mechelen and vilvoorde: a copy opens only for the residence and its own audience.",
    release("antwerpen", "antwerpen", "mechelen", "vilvoorde"), refused("unlawful-purpose"));
  const consult = exampleMessage("case.consultation.requested");
  const consultEnv = JSON.parse(consult.body) as Record<string, unknown>;
  const consultData = consultEnv.data as Record<string, unknown>;
  const consultRoute = EXAMPLE_ROUTES["case.consultation.requested"];
  const caseDirectory = { directory: directoryOf([consultRoute.from, consultRoute.to], key.publicKey) };
  const { legalBasis: _basis, ...withoutBasis } = consultData;
  add("refused-unlawful-purpose-no-legal-basis", "A case consultation (v2) that names no legal basis: case information is shared only inside the LIVC-R, on its legal basis.",
    signedWire(key, consult.subject, { ...consultEnv, data: withoutBasis }), refused("unlawful-purpose"), caseDirectory);
  add("refused-unlawful-purpose-wrong-purpose", "A case consultation whose purpose is transfer: a consultation serves consultation or follow-up only.",
    signedWire(key, consult.subject, { ...consultEnv, data: { ...consultData, purpose: "transfer" } }), refused("unlawful-purpose"), caseDirectory);
  const { livc: _l, compositionVersion: _v, legalBasis: _b, purpose: _p, ...v1Data } = consultData;
  add("accepted-case-consultation-v1", "A case consultation of the release before the law fields (dataversion 1, no LIVC-R, basis or purpose): still read.",
    signedWire(key, consult.subject, { ...consultEnv, dataversion: 1, dataschema: dataSchemaUri("case.consultation.requested", 1), data: v1Data }),
    { verdict: "accepted", type: "case.consultation.requested" }, caseDirectory);
  add("refused-sender-mismatch", "mechelen acknowledges in antwerpen's name.", signedWire(key, ack.subject, { ...ackEnv, data: { ...(ackEnv.data as object), recipient: "antwerpen" } }), refused("sender-mismatch"));
  const copy: Wire = {
    subject: sandboxSubject("dev", base.subject), body: baseWire.body,
    headers: { ...base.headers, [HEADERS.msgId]: replayCopyId(exampleId("replay run"), "COORD", 1), [HEADERS.replay]: "dev", [HEADERS.replayOriginalSeq]: "1", [HEADERS.replayOriginalTime]: STORED_AT },
  };
  add("refused-replay-to-live-reader", "A replayed copy in a sandbox reaching a live reader.", copy, refused("replay-refused"));
  add("accepted-replay-in-replay-mode", "The same copy a day later, read in replay mode: checked against its live subject and original storage time, without the clock check.", copy,
    { verdict: "accepted", type: "notice.posted" }, { replays: true, storedAt: new Date(EXAMPLE_TIME + 86_400_000).toISOString() });
  return vectors;
}

/** The vector files: `test-vectors/<name>.json` → text. */
export function testVectorFiles(jsonText: (value: unknown) => string): Map<string, string> {
  return new Map(testVectors().map((v) => [`test-vectors/${v.name}.json`, jsonText(v)]));
}
