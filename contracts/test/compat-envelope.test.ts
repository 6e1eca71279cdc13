/**
 * The envelope against the one earlier releases sent (contracts/schemas/envelope.json): adding the
 * optional `actor`/`actorrole` attributes is compatible; making one required, or removing or
 * tightening a released attribute, is not.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkEnvelope, currentEnvelopeSchema, readEnvelopeSnapshot } from "../src/compat/envelope.ts";
import type { JsonSchema } from "../src/compat/schema-diff.ts";

type Envelope = JsonSchema & { properties: Record<string, JsonSchema>; required: string[] };

describe("compat - the envelope against its released schema", () => {
  let released: Envelope;
  let current: Envelope;
  beforeAll(async () => {
    released = (await readEnvelopeSnapshot()) as Envelope;
    current = currentEnvelopeSchema() as Envelope;
  });

  it("compat - the current envelope reads every released envelope; actor and actorrole are optional additions", () => {
    expect(checkEnvelope(released, current)).toEqual({ breaks: [] });
    for (const name of ["actor", "actorrole"]) {
      expect(current.properties[name]).toBeDefined();
      expect(current.required).not.toContain(name);
    }
  });

  it("compat - a required actor, or a tightened released attribute, breaks readers of stored messages", () => {
    const required = structuredClone(current);
    required.required.push("actor");
    const tightened = structuredClone(current);
    tightened.properties["tracestate"]!.maxLength = 100;
    expect(checkEnvelope(released, required).breaks.map((b) => `${b.kind} ${b.path}`)).toEqual(["required-added envelope.actor"]);
    expect(checkEnvelope(released, tightened).problem).toMatch(/envelope\.tracestate: constraint-tightened/);
  });
});
