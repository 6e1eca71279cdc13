/**
 * Fuzzed inputs for the dead-letter scenario: seeded (reproducible), each a raw NATS message —
 * subject, body bytes, headers — of one kind of damage a consumer must survive and file with a
 * reason. Signed kinds carry a valid signature of the real sender over damaged content, so they
 * get past the signature check and exercise the schema validation behind it.
 */
import { messageSubject, sampleData, type MessageType } from "@schakel/contracts";
import { buildOutgoing, encodeSignature, HEADERS, signingBytes, type Identity, type KeyDirectory } from "@schakel/contracts/bus";

export const FUZZ_KINDS = [
  "random-bytes", "truncated-json", "invalid-utf8", "blank", "deep-nesting", "huge-string", "proto-keys", "no-signature",
  "garbage-signature", "foreign-signature", "replay-header", "wrong-types", "unknown-type", "subject-mismatch", "clock-skew", "not-an-object",
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

export interface FuzzInput {
  kind: FuzzKind;
  subject: string;
  body: Uint8Array;
  headers: [string, string][];
}

/** mulberry32: a small seeded generator, so a failing input can be regenerated from the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
const WRONG_VALUES: unknown[] = [42, -1e308, true, null, [], {}, "", "x".repeat(5000), [1, [2, [3]]], { $ne: 1 }, "2026-13-45T99:99:99Z"];

export interface FuzzContext {
  /** The sender whose key signs the signed kinds (it may send `type`). */
  sender: Identity;
  /** Another organisation's identity, for signatures by the wrong key. */
  other: Identity;
  directory: KeyDirectory;
  type: MessageType;
}

/** Builds input `i` addressed to `audience`; the kind cycles through FUZZ_KINDS, the details are random. */
export function fuzzInput(i: number, audience: string, ctx: FuzzContext, random: () => number): FuzzInput {
  const kind = FUZZ_KINDS[i % FUZZ_KINDS.length]!;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const valid = buildOutgoing(ctx.sender, ctx.directory, ctx.type, sampleData(ctx.type) as never, { to: audience }, {
    traceparent: `00-${"0".repeat(31)}1-${"0".repeat(15)}1-01`,
  });
  const subject = valid.subject;
  const envelope = JSON.parse(JSON.stringify(valid.envelope)) as Record<string, unknown>;
  const signed = (subj: string, body: Uint8Array, by: Identity = ctx.sender): [string, string][] => [[HEADERS.signature, encodeSignature(by.sign(signingBytes(subj, body)))]];
  const json = (value: unknown, subj = subject, by?: Identity): FuzzInput => {
    const body = enc.encode(typeof value === "string" ? value : JSON.stringify(value));
    return { kind, subject: subj, body, headers: signed(subj, body, by) };
  };
  switch (kind) {
    case "random-bytes":
      return { kind, subject, body: Uint8Array.from({ length: 1 + Math.floor(random() * 512) }, () => Math.floor(random() * 256)), headers: [] };
    case "truncated-json": {
      const text = JSON.stringify(envelope);
      return json(text.slice(0, Math.floor(random() * text.length)));
    }
    case "invalid-utf8":
      return { kind, subject, body: Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), headers: signed(subject, Uint8Array.from([0x7b])) };
    case "blank":
      // Whitespace only. A body of zero bytes is its own scenario (empty-message.test.ts): on an
      // account import it ends the tenant's pull stream, which stalls rather than refuses.
      return { kind, subject, body: enc.encode(pick([" ", "\n", "\t \r\n", "{}", "[]"])), headers: [] };
    case "deep-nesting": {
      // Mostly thousands of levels, sometimes 100,000 (still under max_payload).
      const depth = random() < 0.1 ? 100_000 : 1_000 + Math.floor(random() * 20_000);
      const [open, close] = pick([["[", "]"], ['{"a":', "}"]] as const);
      return json(`${open.repeat(depth)}1${close.repeat(depth)}`);
    }
    case "huge-string": {
      // Past every field's limit (20,000 characters at most): mostly tens of kilobytes, sometimes most of max_payload.
      const chars = Math.floor(random() < 0.05 ? 100_000 + random() * 350_000 : 24_000 + random() * 40_000);
      const field = pick(["topic", "body", "requestId"]);
      return json({ ...envelope, data: { ...(envelope["data"] as object), [field]: "é".repeat(chars) } });
    }
    case "proto-keys": {
      // The real fields only behind "__proto__": a reader that followed the prototype would accept it.
      const hidden = JSON.stringify(envelope["data"]);
      const body = JSON.stringify({ ...envelope, data: "DATA" }).replace('"DATA"', `{"__proto__":${hidden},"constructor":{"prototype":{"polluted":"yes"}}}`);
      return json(`{"__proto__":{"polluted":"yes"},${body.slice(1)}`);
    }
    case "no-signature":
      return { kind, subject, body: valid.body, headers: [] };
    case "garbage-signature":
      return { kind, subject, body: valid.body, headers: [[HEADERS.signature, pick(["ed25519:", "ed25519:!!!", "rsa:abc", "x".repeat(2000), `ed25519:${"A".repeat(86)}`])]] };
    case "foreign-signature":
      return json(envelope, subject, ctx.other);
    case "replay-header":
      return { kind, subject, body: valid.body, headers: [...signed(subject, valid.body), [HEADERS.replay, pick(["handler", "sandbox-x", "?"])]] };
    case "wrong-types": {
      const data = { ...(envelope["data"] as Record<string, unknown>) };
      const keys = Object.keys(data);
      for (const key of keys) if (random() < 0.5) data[key] = pick(WRONG_VALUES);
      // At least one required field always gets a wrong type, or the input could be valid.
      data[pick(["requestId", "ask", "topic"])] = pick(WRONG_VALUES.filter((v) => typeof v !== "string"));
      const field = pick(["id", "time", "dataversion", "audience", "correlationid"]);
      return json({ ...envelope, data, ...(random() < 0.5 ? { [field]: pick(WRONG_VALUES) } : {}) });
    }
    case "unknown-type": {
      const type = pick(["notice.deleted", "admin.grant", "notice.posted.extra"]);
      const subj = `${subject.split(".").slice(0, 3).join(".")}.${type}`;
      return json({ ...envelope, type }, subj);
    }
    case "subject-mismatch":
      return json({ ...envelope, sender: ctx.other.org, source: `urn:schakel:org:${ctx.other.org}` });
    case "clock-skew":
      return json({ ...envelope, time: new Date(Date.now() - (1 + random() * 1000) * 86_400_000).toISOString() });
    case "not-an-object":
      return json(pick(['"a string"', "12", "null", "[]", "true"]));
  }
}

/** The live subject a valid message of `type` from `sender` to `audience` has (for expectations). */
export const validSubject = (type: MessageType, audience: string, sender: string): string => messageSubject(type, audience, sender);
