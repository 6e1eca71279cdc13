/**
 * The shared glossary: the definitions behind the closed vocabularies (prevention tiers, forms of
 * extremism, signal kinds) as versioned records. A policy owner proposes a change
 * (`glossary.proposed`), the platform adopts it as the next version (`glossary.adopted`, to all),
 * and every message names the glossary version its sender used (envelope `glossaryversion`).
 *
 * A version is a whole record (every term of every vocabulary), so a reader holding one version
 * needs no other to explain a term. Terms are never removed: a term is deprecated, and a term's
 * id never changes (stored messages use it); `compat/glossary.ts` checks that.
 */
import { z } from "zod";
import { OrgId } from "./ids.ts";
import { Timestamp } from "./messages/common.ts";
import { EXTREMISM_FORMS, PREVENTION_TIERS, SIGNAL_KINDS } from "./vocabulary.ts";

/** The vocabularies the glossary defines, and the message fields that use them. */
export const VOCABULARIES = ["prevention-tier", "extremism-form", "signal-kind"] as const;
export const Vocabulary = z.enum(VOCABULARIES);
export type Vocabulary = z.infer<typeof Vocabulary>;

/** The terms each vocabulary's message fields accept in this release (the zod enums of vocabulary.ts). */
export const VOCABULARY_TERMS: Readonly<Record<Vocabulary, readonly string[]>> = {
  "prevention-tier": PREVENTION_TIERS,
  "extremism-form": EXTREMISM_FORMS,
  "signal-kind": SIGNAL_KINDS,
};

/** The version of the glossary built into this release; messages without `glossaryversion` use it. */
export const BUILTIN_GLOSSARY_VERSION = 1;

/** A term id: lower-case words joined by hyphens, as the vocabularies' enum values. */
export const TermId = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "a term id is lower-case words joined by '-', e.g. far-right").max(40);

/** A term's definition, and its labels (also what a proposed change carries: glossary-change.ts). */
export const DefinitionText = z.string().trim().min(1).max(600).regex(/^[^\u0000-\u001f\u007f]*$/, "one paragraph without control characters");
export const LabelText = z.string().trim().min(1).max(80).regex(/^[^\u0000-\u001f\u007f]*$/, "one line without control characters");

export const GlossaryTerm = z.object({
  term: TermId,
  label: z.object({ nl: LabelText, en: LabelText }),
  definition: DefinitionText,
  /** The glossary version that added the term. */
  since: z.number().int().positive(),
  /** The version from which the term is no longer to be used in new messages (stored ones keep it). */
  deprecated: z.number().int().positive().optional(),
  /** The version that last changed the definition or label (absent: unchanged since `since`). */
  revised: z.number().int().positive().optional(),
});
export type GlossaryTerm = z.infer<typeof GlossaryTerm>;

export const GlossaryRecord = z.object({
  version: z.number().int().positive(),
  terms: z.object({
    "prevention-tier": z.array(GlossaryTerm).max(50),
    "extremism-form": z.array(GlossaryTerm).max(50),
    "signal-kind": z.array(GlossaryTerm).max(50),
  }),
  adoptedAt: Timestamp,
  /** The organisation that adopted it (the platform; `schakel` for the built-in version). */
  adoptedBy: z.union([OrgId, z.literal("schakel")]),
  /** The proposal it adopted (absent for the built-in version). */
  proposalId: z.string().max(64).optional(),
});
export type GlossaryRecord = z.infer<typeof GlossaryRecord>;

/** The glossary version a message names: its `glossaryversion`, or the first for messages of earlier releases. */
export function glossaryVersionOf(envelope: { glossaryversion?: number | undefined }): number {
  return envelope.glossaryversion ?? BUILTIN_GLOSSARY_VERSION;
}

/** One term of a glossary version, if it defines it. */
export function findTerm(glossary: GlossaryRecord, vocabulary: Vocabulary, term: string): GlossaryTerm | undefined {
  return glossary.terms[vocabulary].find((t) => t.term === term);
}

/**
 * The glossaries a reader holds, by version: the built-in one and the adopted ones it recorded.
 * `explain` gives the definition the sender meant: the version the message names if held, else the
 * newest held (the term id is always shown, so a term from a newer version stays readable).
 */
export class GlossaryShelf {
  readonly #versions = new Map<number, GlossaryRecord>();
  constructor(records: Iterable<GlossaryRecord> = []) {
    for (const r of records) this.add(r);
  }
  add(record: GlossaryRecord): void {
    this.#versions.set(record.version, record);
  }
  get latest(): GlossaryRecord | undefined {
    return this.at(Math.max(0, ...this.#versions.keys()));
  }
  at(version: number): GlossaryRecord | undefined {
    return this.#versions.get(version);
  }
  versions(): number[] {
    return [...this.#versions.keys()].sort((a, b) => a - b);
  }
  /** The term as defined in `version` (or the newest held version when that one is not held). */
  explain(vocabulary: Vocabulary, term: string, version?: number): { term: string; definition?: GlossaryTerm; version?: number } {
    const g = (version !== undefined ? this.at(version) : undefined) ?? this.latest;
    const found = g && findTerm(g, vocabulary, term);
    return found ? { term, definition: found, version: g.version } : { term };
  }
}
