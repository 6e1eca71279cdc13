/**
 * Purpose-bound fields: a field of a clear message that holds personal data is marked in the
 * contract with the purposes that may see it (zod metadata, `purposeBound`). On the wire it is
 * never in the clear: a copy addressed to an organisation entitled to it carries it sealed to the
 * organisations entitled on that copy, every other copy a redaction marker. Each copy is signed as
 * stored, so the signature covers the sealed value or the marker that copy holds.
 *
 * Who is entitled is named by the message itself (`to`: a field naming an organisation, e.g. a
 * detainee-release notice's `residence`, the municipality of residence, which brings the details
 * into a case of its LIVC-R) and, with `withLivc`, the members of that municipality's LIVC-R. The
 * sending client seals accordingly and every receiver checks what it can see on the copy
 * (`purposeBoundIssue`: `unlawful-purpose`): the value is sealed to the named organisation and, on
 * a copy addressed to another organisation, to that organisation too — nobody else. Whether that
 * organisation is a member of the LIVC-R is the sender's check (against the composition it holds):
 * the rule sees one message, not the composition.
 */
import { z } from "zod";
import { CasePurpose } from "./case-law.ts";
import { SealedContent } from "./messages/sealed.ts";

/** The metadata key that marks a field as personal. */
export const PERSONAL = "schakelPersonal";

export interface PersonalMark {
  /** The purposes that may see the field. */
  purposes: readonly CasePurpose[];
  /** The data field naming the organisation the value is sealed to. */
  to: string;
  /**
   * The value may also be sealed to the members of the LIVC-R of the organisation `to` names, each
   * on its own copy (sealed to the named organisation and that member).
   */
  withLivc?: true;
}

/** A purpose-bound value as it travels: sealed to the entitled organisation, or redacted for everyone else. */
export const PurposeBoundValue = z.union([
  z.object({ purposes: z.array(CasePurpose).min(1), sealed: SealedContent }),
  z.object({ purposes: z.array(CasePurpose).min(1), redacted: z.literal(true).describe("this copy's audience may not see the field") }),
]);
export type PurposeBoundValue = z.infer<typeof PurposeBoundValue>;

/** A personal field for `purposes`, opening only for the organisation named by data field `to`. */
export const purposeBound = (mark: PersonalMark, description: string) =>
  PurposeBoundValue.meta({ [PERSONAL]: mark, description });

const personalFieldsOf = new WeakMap<z.ZodType, readonly { field: string; mark: PersonalMark }[]>();

/** The personal fields of an object schema, with their marks (found once per schema: every message sent and received asks). */
export function personalFields(schema: z.ZodType): readonly { field: string; mark: PersonalMark }[] {
  let fields = personalFieldsOf.get(schema);
  if (!fields) {
    fields = findPersonalFields(schema);
    personalFieldsOf.set(schema, fields);
  }
  return fields;
}

function findPersonalFields(schema: z.ZodType): { field: string; mark: PersonalMark }[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return [];
  const out: { field: string; mark: PersonalMark }[] = [];
  for (const [field, s] of Object.entries(shape)) {
    const inner = s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s;
    const mark = inner.meta()?.[PERSONAL] as PersonalMark | undefined;
    if (mark) out.push({ field, mark });
  }
  return out;
}

/**
 * What is wrong with the personal fields of one copy of a message addressed to `audience`: a value
 * sealed to anyone but the organisation its `to` field names (and, for a `withLivc` field, the
 * copy's own audience when that is another organisation), or sealed on a copy not addressed to an
 * organisation entitled to it. Undefined when every personal field is a marker or sealed rightly.
 */
export function purposeBoundIssue(schema: z.ZodType, audience: string, data: unknown): { field: string; message: string } | undefined {
  const d = (data ?? {}) as Record<string, unknown>;
  for (const { field, mark } of personalFields(schema)) {
    const value = d[field] as PurposeBoundValue | undefined;
    if (value === undefined || "redacted" in value) continue;
    const entitled = d[mark.to];
    const sealedTo = value.sealed.recipients.map((r) => r.org);
    // Whom this copy may be sealed to: the named organisation on its own copy; with `withLivc`, it and the copy's audience on any other.
    const expected = typeof entitled !== "string" ? undefined : entitled === audience ? [entitled] : mark.withLivc ? [entitled, audience] : undefined;
    if (!expected || sealedTo.length !== expected.length || !expected.every((org) => sealedTo.includes(org))) {
      const named = `${mark.to} (${JSON.stringify(entitled ?? null)})`;
      const whom = mark.withLivc ? `${named} on its own copy, and to ${mark.to} and the member on the copy addressed to a member of its LIVC-R (never on a group's copy)` : `${named}, on the copy addressed to it`;
      return {
        field,
        message: `${field} is personal data for ${mark.purposes.join(", ")}: it may be sealed only to ${whom}; this copy is for "${audience}" and sealed to ${sealedTo.join(", ")} — send every other copy the redaction marker`,
      };
    }
  }
  return undefined;
}
