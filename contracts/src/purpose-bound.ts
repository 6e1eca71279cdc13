/**
 * Purpose-bound fields: a field of a clear message that holds personal data is marked in the
 * contract with the purposes that may see it (zod metadata, `purposeBound`). On the wire it is
 * never in the clear: the copy addressed to the organisation entitled to it carries it sealed to
 * that organisation alone, every other copy a redaction marker. Each copy is signed as stored, so
 * the signature covers the sealed value or the marker that copy holds.
 *
 * Who is entitled is named by the message itself (`to`: a field naming an organisation, e.g. a
 * detainee-release notice's `residence`, the municipality of residence, which brings the details
 * into a case of its LIVC-R); the sending client seals accordingly and every receiver checks it
 * (`purposeBoundIssue`: `unlawful-purpose`).
 */
import { z } from "zod";
import { CasePurpose } from "./case-law.ts";
import { SealedContent } from "./messages/sealed.ts";

/** The metadata key that marks a field as personal. */
export const PERSONAL = "schakelPersonal";

export interface PersonalMark {
  /** The purposes that may see the field. */
  purposes: readonly CasePurpose[];
  /** The data field naming the only organisation the value is sealed to. */
  to: string;
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

/** The personal fields of an object schema, with their marks. */
export function personalFields(schema: z.ZodType): { field: string; mark: PersonalMark }[] {
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
 * sealed to anyone but the organisation its `to` field names, or sealed on a copy not addressed
 * to it. Undefined when every personal field is a marker or sealed to the right organisation.
 */
export function purposeBoundIssue(schema: z.ZodType, audience: string, data: unknown): { field: string; message: string } | undefined {
  const d = (data ?? {}) as Record<string, unknown>;
  for (const { field, mark } of personalFields(schema)) {
    const value = d[field] as PurposeBoundValue | undefined;
    if (value === undefined || "redacted" in value) continue;
    const entitled = d[mark.to];
    const sealedTo = value.sealed.recipients.map((r) => r.org);
    if (entitled !== audience || sealedTo.length !== 1 || sealedTo[0] !== entitled) {
      return {
        field,
        message: `${field} is personal data for ${mark.purposes.join(", ")}: it may be sealed only to ${mark.to} (${JSON.stringify(entitled ?? null)}), on the copy addressed to it; this copy is for "${audience}" and sealed to ${sealedTo.join(", ")} — send every other copy the redaction marker`,
      };
    }
  }
  return undefined;
}
