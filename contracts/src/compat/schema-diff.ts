/**
 * What changed between two JSON Schemas of one message type's data, field by field. The result
 * is neutral facts ("enum-narrowed at data.category: removed rumour"); compatibility.ts decides
 * which facts break whom. Covers what the catalog's zod schemas produce (io "input"): objects with
 * properties and required, arrays, enums/consts, type keywords, anyOf unions, local $refs, and the
 * usual constraints.
 */

export type JsonSchema = Record<string, unknown>;

export type ChangeKind =
  | "required-added" // a field readers now require was optional or absent before
  | "required-dropped" // a field that was always present may now be missing
  | "field-added"
  | "field-removed"
  | "type-changed"
  | "enum-narrowed" // values accepted before are refused now
  | "enum-widened" // values refused before are accepted now
  | "constraint-tightened"
  | "constraint-loosened"
  | "default-changed"
  | "annotation-changed"; // title, description, examples, $id: no effect on validation

export interface SchemaChange {
  kind: ChangeKind;
  /** Dotted field path from the data root, `[]` for array items, e.g. `data.recipients[]`. */
  path: string;
  detail: string;
  /** For field-removed: whether the field was required before. */
  wasRequired?: boolean;
}

const MIN_KEYS = ["minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties"] as const;
const MAX_KEYS = ["maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties"] as const;
const ANNOTATIONS = ["title", "description", "examples", "$id", "$schema", "$comment", "deprecated"] as const;

const obj = (v: unknown): JsonSchema => (v && typeof v === "object" && !Array.isArray(v) ? (v as JsonSchema) : {});
const show = (v: unknown): string => JSON.stringify(v);

/** Follows a local `$ref` (`#/$defs/...`, `#/definitions/...`) within its own document. */
function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === "string" && hops < 32; hops++) {
    const pointer = (s.$ref as string).replace(/^#\/?/, "");
    s = pointer.split("/").filter(Boolean).reduce<JsonSchema>((at, key) => obj(at[key.replace(/~1/g, "/").replace(/~0/g, "~")]), root);
  }
  return s;
}

/** The JSON types a schema admits (from `type`, or implied by enum/const/properties/items). */
function typesOf(s: JsonSchema): Set<string> {
  if (typeof s.type === "string") return new Set([s.type]);
  if (Array.isArray(s.type)) return new Set(s.type as string[]);
  const values = valuesOf(s);
  if (values) return new Set(values.map((v) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v)));
  if (s.properties) return new Set(["object"]);
  if (s.items) return new Set(["array"]);
  return new Set();
}

function valuesOf(s: JsonSchema): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum as unknown[];
  if ("const" in s) return [s.const];
  return undefined;
}

/** Diffs `before` (e.g. a released snapshot) against `after` (e.g. the current catalog). */
export function diffSchemas(before: JsonSchema, after: JsonSchema, rootPath = "data"): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add = (kind: ChangeKind, path: string, detail: string, extra: Partial<SchemaChange> = {}): void => void changes.push({ kind, path, detail, ...extra });

  const walk = (b0: JsonSchema, a0: JsonSchema, path: string): void => {
    const b = deref(b0, before);
    const a = deref(a0, after);
    for (const key of ANNOTATIONS) if (show(b[key]) !== show(a[key])) add("annotation-changed", path, `${key}: ${show(b[key])} → ${show(a[key])}`);
    if (show(b.default) !== show(a.default)) add("default-changed", path, `default ${show(b.default)} → ${show(a.default)}`);

    const bAny = Array.isArray(b.anyOf) ? (b.anyOf as JsonSchema[]) : Array.isArray(b.oneOf) ? (b.oneOf as JsonSchema[]) : undefined;
    const aAny = Array.isArray(a.anyOf) ? (a.anyOf as JsonSchema[]) : Array.isArray(a.oneOf) ? (a.oneOf as JsonSchema[]) : undefined;
    if (bAny || aAny) return walkUnion(bAny ?? [b], aAny ?? [a], path);

    const bTypes = typesOf(b);
    const aTypes = typesOf(a);
    const sameTypes = bTypes.size === aTypes.size && [...bTypes].every((t) => aTypes.has(t));
    if (!sameTypes) {
      const name = (t: Set<string>) => (t.size ? [...t].join("|") : "any");
      return add("type-changed", path, `type ${name(bTypes)} → ${name(aTypes)}`);
    }

    const bValues = valuesOf(b);
    const aValues = valuesOf(a);
    const has = (list: unknown[], v: unknown) => list.some((x) => show(x) === show(v));
    if (bValues && aValues) {
      const removed = bValues.filter((v) => !has(aValues, v));
      const added = aValues.filter((v) => !has(bValues, v));
      if (removed.length) add("enum-narrowed", path, `values no longer accepted: ${removed.map(show).join(", ")}`);
      if (added.length) add("enum-widened", path, `values now accepted: ${added.map(show).join(", ")}`);
    } else if (bValues) {
      add("enum-widened", path, `no longer limited to ${bValues.map(show).join(", ")}`);
    } else if (aValues) {
      add("enum-narrowed", path, `now limited to ${aValues.map(show).join(", ")}`);
    }

    for (const key of MIN_KEYS) compareBound(key, b[key], a[key], path, "min");
    for (const key of MAX_KEYS) compareBound(key, b[key], a[key], path, "max");
    for (const key of ["pattern", "format"] as const) {
      if (show(b[key]) === show(a[key])) continue;
      if (a[key] !== undefined) add("constraint-tightened", path, `${key} ${show(b[key])} → ${show(a[key])}`);
      else add("constraint-loosened", path, `${key} ${show(b[key])} dropped`);
    }
    if (b.additionalProperties === false && a.additionalProperties !== false) add("constraint-loosened", path, "unknown fields now allowed");
    if (b.additionalProperties !== false && a.additionalProperties === false) add("constraint-tightened", path, "unknown fields now refused");

    walkObject(b, a, path);
    if (b.items || a.items) walk(obj(b.items), obj(a.items), `${path}[]`);
  };

  const compareBound = (key: string, b: unknown, a: unknown, path: string, side: "min" | "max"): void => {
    if (show(b) === show(a)) return;
    const tighter = b === undefined || (a !== undefined && (side === "min" ? Number(a) > Number(b) : Number(a) < Number(b)));
    add(tighter ? "constraint-tightened" : "constraint-loosened", path, `${key} ${show(b)} → ${show(a)}`);
  };

  const walkObject = (b: JsonSchema, a: JsonSchema, path: string): void => {
    const bProps = obj(b.properties);
    const aProps = obj(a.properties);
    const bReq = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
    const aReq = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    for (const name of Object.keys(bProps)) {
      const at = `${path}.${name}`;
      if (!(name in aProps)) {
        add("field-removed", at, `field removed (was ${bReq.has(name) ? "required" : "optional"})`, { wasRequired: bReq.has(name) });
        continue;
      }
      if (bReq.has(name) && !aReq.has(name)) add("required-dropped", at, "was required, now optional");
      if (!bReq.has(name) && aReq.has(name)) add("required-added", at, "was optional, now required");
      walk(obj(bProps[name]), obj(aProps[name]), at);
    }
    for (const name of Object.keys(aProps)) {
      if (name in bProps) continue;
      const at = `${path}.${name}`;
      if (aReq.has(name)) add("required-added", at, "new required field");
      else add("field-added", at, "new optional field");
    }
  };

  /** Pairs union branches by their types; an unmatched branch is a type change. */
  const walkUnion = (bs: JsonSchema[], as: JsonSchema[], path: string): void => {
    const key = (s: JsonSchema, root: JsonSchema) => [...typesOf(deref(s, root))].sort().join("|");
    const remaining = [...as];
    for (const bBranch of bs) {
      const i = remaining.findIndex((x) => key(x, after) === key(bBranch, before));
      if (i < 0) {
        add("type-changed", path, `alternative ${key(bBranch, before) || "any"} no longer accepted`);
        continue;
      }
      walk(bBranch, remaining.splice(i, 1)[0]!, path);
    }
    for (const aBranch of remaining) add("type-changed", path, `new alternative ${key(aBranch, after) || "any"}`);
  };

  walk(before, after, rootPath);
  return changes;
}
