/**
 * The compatibility checker on synthetic schema pairs (built with zod and converted exactly like
 * the catalog): it catches each breaking change and lets the compatible ones through.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nextVersionBreaks, sameVersionBreaks } from "../src/compat/compatibility.ts";
import { diffSchemas } from "../src/compat/schema-diff.ts";
import { toJsonSchema } from "../src/docs/json-schema.ts";

const Kind = z.enum(["polarisation", "tension", "incident"]);
const fields = {
  id: z.string().uuid(),
  title: z.string().min(3).max(200),
  kind: Kind,
  tags: z.array(z.enum(["jihadist", "far-right", "far-left"])).max(3).optional(),
  escalate: z.boolean().default(false),
  obligation: z.object({ owedBy: z.string(), deadline: z.iso.datetime({ offset: true }) }),
};
const base = z.object(fields);
const v1 = toJsonSchema(base);
const schema = (s: z.ZodType) => toJsonSchema(s);
const kinds = (breaks: { kind: string; path: string }[]) => breaks.map((b) => `${b.kind} ${b.path}`);

describe("compat - same version: breaking changes are caught", () => {
  it("compat - a required field added breaks readers of stored messages", () => {
    const after = schema(base.extend({ priority: z.number().int() }));
    expect(kinds(sameVersionBreaks(v1, after))).toEqual(["required-added data.priority"]);
    // An optional field becoming required is the same break.
    const nowRequired = schema(base.extend({ tags: fields.tags.unwrap() }));
    expect(kinds(sameVersionBreaks(v1, nowRequired))).toEqual(["required-added data.tags"]);
  });

  it("compat - a field removed breaks its readers, required or optional", () => {
    expect(kinds(sameVersionBreaks(v1, schema(base.omit({ title: true }))))).toEqual(["field-removed data.title"]);
    expect(kinds(sameVersionBreaks(v1, schema(base.omit({ tags: true }))))).toEqual(["field-removed data.tags"]);
    expect(kinds(sameVersionBreaks(v1, schema(base.extend({ obligation: z.object({ deadline: fields.obligation.shape.deadline }) }))))).toEqual(["field-removed data.obligation.owedBy"]);
  });

  it("compat - a field's type changed breaks, at any depth", () => {
    expect(kinds(sameVersionBreaks(v1, schema(base.extend({ title: z.number() }))))).toEqual(["type-changed data.title"]);
    const nested = schema(base.extend({ obligation: fields.obligation.extend({ owedBy: z.array(z.string()) }) }));
    expect(kinds(sameVersionBreaks(v1, nested))).toEqual(["type-changed data.obligation.owedBy"]);
    const nullable = schema(base.extend({ title: fields.title.nullable() }));
    expect(kinds(sameVersionBreaks(v1, nullable))).toEqual(["type-changed data.title"]);
  });

  it("compat - an enum narrowed (values removed) breaks, also inside arrays", () => {
    const narrowed = sameVersionBreaks(v1, schema(base.extend({ kind: z.enum(["polarisation", "tension"]) })));
    expect(kinds(narrowed)).toEqual(["enum-narrowed data.kind"]);
    expect(narrowed[0]!.detail).toContain('"incident"');
    const items = schema(base.extend({ tags: z.array(z.enum(["jihadist", "far-right"])).max(3).optional() }));
    expect(kinds(sameVersionBreaks(v1, items))).toEqual(["enum-narrowed data.tags[]"]);
  });

  it("compat - also caught: a field no longer guaranteed, a tighter constraint, a changed default", () => {
    expect(kinds(sameVersionBreaks(v1, schema(base.extend({ title: fields.title.optional() }))))).toEqual(["required-dropped data.title"]);
    expect(kinds(sameVersionBreaks(v1, schema(base.extend({ title: z.string().min(3).max(100) }))))).toEqual(["constraint-tightened data.title"]);
    expect(kinds(sameVersionBreaks(v1, schema(base.extend({ escalate: z.boolean().default(true) }))))).toEqual(["default-changed data.escalate"]);
  });

  it("compat - several breaks are all listed with their paths", () => {
    const after = schema(base.omit({ title: true }).extend({ kind: z.enum(["incident"]), priority: z.number() }));
    expect(kinds(sameVersionBreaks(v1, after)).sort()).toEqual(["enum-narrowed data.kind", "field-removed data.title", "required-added data.priority"]);
  });
});

describe("compat - same version: compatible changes pass", () => {
  it("compat - an optional field added passes (and is reported as a fact)", () => {
    const after = schema(base.extend({ location: z.string().max(200).optional() }));
    expect(sameVersionBreaks(v1, after)).toEqual([]);
    expect(kinds(diffSchemas(v1, after))).toEqual(["field-added data.location"]);
  });

  it("compat - an enum widened passes", () => {
    const after = schema(base.extend({ kind: z.enum(["polarisation", "tension", "incident", "emerging-need"]) }));
    expect(sameVersionBreaks(v1, after)).toEqual([]);
    expect(kinds(diffSchemas(v1, after))).toEqual(["enum-widened data.kind"]);
  });

  it("compat - a description changed passes", () => {
    const after = schema(base.extend({ title: fields.title.describe("what the signal is about") }).describe("a signal"));
    expect(sameVersionBreaks(v1, after)).toEqual([]);
    expect(diffSchemas(v1, after).map((c) => c.kind)).toEqual(["annotation-changed", "annotation-changed"]);
  });

  it("compat - identical schemas have no differences at all", () => {
    expect(diffSchemas(v1, toJsonSchema(z.object(fields)))).toEqual([]);
  });
});

describe("compat - next version: readers of vN must read vN+1", () => {
  it("compat - vN+1 may add required fields and narrow enums", () => {
    const next = schema(base.extend({ priority: z.number(), kind: z.enum(["polarisation", "tension"]) }));
    expect(nextVersionBreaks(v1, next)).toEqual([]);
  });

  it("compat - vN+1 may not drop a required field, change a type or widen an enum", () => {
    expect(kinds(nextVersionBreaks(v1, schema(base.omit({ title: true }))))).toEqual(["field-removed data.title"]);
    expect(kinds(nextVersionBreaks(v1, schema(base.extend({ title: fields.title.optional() }))))).toEqual(["required-dropped data.title"]);
    expect(kinds(nextVersionBreaks(v1, schema(base.extend({ title: z.number() }))))).toEqual(["type-changed data.title"]);
    expect(kinds(nextVersionBreaks(v1, schema(base.extend({ kind: Kind.or(z.literal("other")) })))).length).toBeGreaterThan(0);
    expect(kinds(nextVersionBreaks(v1, schema(base.extend({ kind: z.enum([...Kind.options, "other"]) }))))).toEqual(["enum-widened data.kind"]);
  });

  it("compat - vN+1 may drop an optional field: readers of vN never relied on it", () => {
    expect(nextVersionBreaks(v1, schema(base.omit({ tags: true })))).toEqual([]);
  });
});
