/**
 * The committed test vectors (contracts/generated/test-vectors) are what the receiver decides: each
 * is run through `verifyStored`, the check every consumer, feed, trace and replay reader uses, with
 * the vector's own directory, storage time and tolerance. Every refusal reason the decode path can
 * give has a vector.
 */
import { describe, expect, it } from "vitest";
import { Directory } from "@schakel/contracts";
import { KeyDirectory, REJECT_REASONS, verifyStored, type StoredHeaders } from "@schakel/contracts/bus";
import { readTree } from "../src/docs/tree.ts";
import { GENERATED_DIR } from "../src/docs/generate.ts";
import type { TestVector } from "../src/docs/test-vectors.ts";

/** Reasons given outside the decode path: by the consumer about a handler (not-a-member: a case handler checking the LIVC-R composition), or about delivery counts. */
const NOT_DECODE = ["handler-failed", "handler-refused", "not-a-member", "unreadable"];

function headersOf(values: Record<string, string>): StoredHeaders {
  return { get: (n) => values[n] ?? "", values: (n) => (values[n] ? [values[n]] : []), keys: () => Object.keys(values) };
}

describe("wire - test vectors", async () => {
  const files = await readTree(GENERATED_DIR);
  const vectors = [...files].filter(([f]) => f.startsWith("test-vectors/")).map(([, text]) => JSON.parse(text) as TestVector);

  it("wire - every refusal reason of the decode path has a vector, and accepted ones cover every type", () => {
    const reasons = new Set(vectors.flatMap((v) => (v.expected.verdict === "refused" ? [v.expected.reason] : [])));
    expect(REJECT_REASONS.filter((r) => !NOT_DECODE.includes(r) && !reasons.has(r))).toEqual([]);
    expect(vectors.filter((v) => v.expected.verdict === "accepted").length).toBeGreaterThanOrEqual(14);
  });

  it("wire - each vector gets its expected verdict from verifyStored", () => {
    const outcomes = vectors.map((v) => {
      const bus = { directory: new KeyDirectory(Directory.parse(v.directory)), skewMs: v.skewSeconds * 1000 };
      const verdict = verifyStored(bus, { subject: v.subject, body: Buffer.from(v.body, "base64"), headers: headersOf(v.headers), storedAt: new Date(v.storedAt) }, { replays: v.replays });
      return { name: v.name, got: verdict.ok ? { verdict: "accepted", type: verdict.type } : { verdict: "refused", reason: verdict.rejection.reason } };
    });
    expect(outcomes).toEqual(vectors.map((v) => ({ name: v.name, got: v.expected })));
  });

  it("wire - a legacy message's control characters are read replaced, never passed on", () => {
    const v = vectors.find((x) => x.name === "accepted-legacy-control-character")!;
    const bus = { directory: new KeyDirectory(Directory.parse(v.directory)), skewMs: v.skewSeconds * 1000 };
    const verdict = verifyStored(bus, { subject: v.subject, body: Buffer.from(v.body, "base64"), headers: headersOf(v.headers), storedAt: new Date(v.storedAt) });
    expect(verdict.ok && (verdict.envelope.data as { title: string }).title).toBe("Dreiging \uFFFD[2J gewijzigd");
  });
});
