/**
 * The evolution rules of the message catalog, as two checks over schema-diff facts.
 *
 * Same version (a released vN snapshot → the catalog's current schema of vN). Messages of vN are
 * stored for years and replayed, and services read their fields; so the current vN must still
 * accept every vN message and still carry every field its readers use. Breaking: a required
 * field added, a field removed, a field no longer guaranteed (required → optional), a field's
 * type changed, an enum narrowed (values removed), a constraint tightened, a default changed
 * (a stored message without the field would now mean something else). Allowed: an optional field
 * added, an enum widened, a constraint loosened, descriptions changed — deploy readers before
 * writers for widenings, since an older reader refuses a value it does not know.
 *
 * Next version (vN → vN+1): "readers of vN can read vN+1". A vN reader parses a vN+1 message with
 * the vN schema and ignores unknown fields, so vN+1 may add required fields and narrow enums, but
 * may not drop or loosen a field vN requires, change a type, widen an enum or loosen a
 * constraint. A change that breaks this is a new message type.
 */
import { diffSchemas, type ChangeKind, type JsonSchema, type SchemaChange } from "./schema-diff.ts";

/** A change that breaks readers, with what to do about it. */
export interface Break extends SchemaChange {
  rule: "same-version" | "next-version";
}

const SAME_VERSION_BREAKS: ReadonlySet<ChangeKind> = new Set([
  "required-added", "field-removed", "required-dropped", "type-changed", "enum-narrowed", "constraint-tightened", "default-changed",
]);

const NEXT_VERSION_BREAKS: ReadonlySet<ChangeKind> = new Set([
  "required-dropped", "type-changed", "enum-widened", "constraint-loosened",
]);

/** Breaking changes between a released version and the current schema of that same version. */
export function sameVersionBreaks(released: JsonSchema, current: JsonSchema): Break[] {
  return diffSchemas(released, current)
    .filter((c) => SAME_VERSION_BREAKS.has(c.kind))
    .map((c) => ({ ...c, rule: "same-version" as const }));
}

/** Changes that make version N+1 unreadable for readers of version N. */
export function nextVersionBreaks(previous: JsonSchema, next: JsonSchema): Break[] {
  return diffSchemas(previous, next)
    .filter((c) => NEXT_VERSION_BREAKS.has(c.kind) || (c.kind === "field-removed" && c.wasRequired === true))
    .map((c) => ({ ...c, rule: "next-version" as const }));
}

/** One line per break, e.g. `data.category: enum-narrowed (values no longer accepted: "information")`. */
export function describeBreaks(breaks: Break[]): string {
  return breaks.map((b) => `${b.path}: ${b.kind} (${b.detail})`).join("; ");
}
