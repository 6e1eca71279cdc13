/**
 * JSON Schema of every catalog type, for its `data` and for the full envelope, derived from the
 * zod schemas (zod 4's `z.toJSONSchema`), so the documents can never say something the code does
 * not enforce.
 *
 * Why io "input": a JSON Schema here is the acceptance contract — what a Schakel reader accepts at
 * its trust boundary (decode.ts runs `safeParse` on the wire data, i.e. the schema's input side).
 * The "output" side would be wrong for every other reader and writer:
 * - it marks fields with a default (`ackRequired`, `escalate`) as required, although readers
 *   accept messages without them;
 * - it closes every object (`additionalProperties: false`), so a validator built from the document
 *   would refuse messages of a later, compatible revision that added an optional field, while our
 *   own readers ignore unknown fields. The compatibility check (compat/) depends on that openness.
 */
import { z } from "zod";
import { catalog, dataSchemaUri, type MessageType } from "../catalog.ts";
import { ATTRIBUTE_NAME, EnvelopeHeader } from "../envelope.ts";

/** CloudEvents attribute names (the envelope's top-level keys); zod cannot say it, so it is added here. */
const attributeNames = { propertyNames: { pattern: ATTRIBUTE_NAME.source } };

/** A JSON Schema document as plain data. */
export type JsonSchema = Record<string, unknown>;

/** JSON Schema dialects we emit: 2020-12 for the standalone files, draft-07 inside AsyncAPI. */
export type Dialect = "draft-2020-12" | "draft-7";

/** `format` values JSON Schema defines; zod also emits its own (e.g. "starts_with") which validators reject. */
const STANDARD_FORMATS = new Set(["date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "uuid", "regex"]);

/** Converts one zod schema; drops non-standard formats (the pattern zod emits beside them still applies). */
export function toJsonSchema(schema: z.ZodType, dialect: Dialect = "draft-2020-12"): JsonSchema {
  return z.toJSONSchema(schema, {
    io: "input",
    target: dialect,
    unrepresentable: "throw",
    override: (ctx) => {
      const format = ctx.jsonSchema.format;
      if (typeof format === "string" && !STANDARD_FORMATS.has(format)) delete ctx.jsonSchema.format;
    },
  }) as JsonSchema;
}

/** Drops `$schema` (for embedding a schema inside another document). */
export function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** The URN of a type's full-envelope schema (the data schema's URN is the envelope's `dataschema`). */
export function envelopeSchemaUri(type: MessageType, version: number = catalog[type].version): string {
  return `urn:schakel:envelope:${type}:v${version}`;
}

/** The schema of a type's `data`, with `$id` = the `dataschema` URI its messages carry. */
export function dataJsonSchema(type: MessageType, dialect: Dialect = "draft-2020-12"): JsonSchema {
  const entry = catalog[type];
  const { $schema, ...body } = toJsonSchema(entry.schema, dialect);
  return {
    ...($schema ? { $schema } : {}),
    $id: dataSchemaUri(type),
    title: `${type} v${entry.version} data`,
    description: entry.description,
    ...body,
  };
}

/** The zod schema of a whole message of one type: envelope attributes, its `type`, typed `data`. */
export function envelopeOf(type: MessageType): z.ZodType {
  return EnvelopeHeader.extend({ type: z.literal(type), data: catalog[type].schema });
}

/** The standalone JSON Schema of a whole message of one type. */
export function envelopeJsonSchema(type: MessageType): JsonSchema {
  const entry = catalog[type];
  const { $schema, ...body } = toJsonSchema(envelopeOf(type));
  return {
    ...($schema ? { $schema } : {}),
    $id: envelopeSchemaUri(type),
    title: `${type} v${entry.version} message`,
    description: `A ${type} message as it travels: CloudEvents 1.0 attributes (structured JSON), Schakel's extensions and the data. ${entry.description}`,
    ...body,
    ...attributeNames,
  };
}

/** The envelope attributes alone, shared by every type (`data` is typed per message). */
export function envelopeHeaderJsonSchema(dialect: Dialect = "draft-2020-12"): JsonSchema {
  const { $schema, ...body } = toJsonSchema(EnvelopeHeader, dialect);
  return {
    ...($schema ? { $schema } : {}),
    $id: "urn:schakel:envelope",
    title: "Schakel envelope",
    description: "CloudEvents 1.0 attributes and Schakel's extensions around every message; `data` is validated by the schema of `type`.",
    ...body,
    ...attributeNames,
  };
}
