/**
 * A proposed glossary change and how adopting it makes the next version. Pure: the platform's
 * adoption, the CLI's preview and the tests all use `applyGlossaryChange`.
 */
import { z } from "zod";
import { SchemaError } from "./errors.ts";
import { DefinitionText, findTerm, GlossaryRecord, LabelText, TermId, Vocabulary, type GlossaryTerm } from "./glossary.ts";

export const GLOSSARY_ACTIONS = ["add", "redefine", "deprecate"] as const;
export const GlossaryAction = z.enum(GLOSSARY_ACTIONS);
export type GlossaryAction = z.infer<typeof GlossaryAction>;

/** One change to one term. `add` needs a label and a definition; `redefine` a new definition (and may relabel). */
export const GlossaryChange = z
  .object({
    action: GlossaryAction,
    vocabulary: Vocabulary,
    term: TermId,
    label: z.object({ nl: LabelText, en: LabelText }).optional(),
    definition: DefinitionText.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.action === "add" && !c.label) ctx.addIssue({ code: "custom", path: ["label"], message: "a new term needs its label in Dutch and English" });
    if (c.action !== "deprecate" && !c.definition) ctx.addIssue({ code: "custom", path: ["definition"], message: `${c.action} needs a definition` });
  });
export type GlossaryChange = z.infer<typeof GlossaryChange>;

/**
 * The next version: `base` with `change` applied, adopted at `at` by `by`. Throws SchemaError
 * naming the field when the change does not fit `base` (adding a term it has, redefining or
 * deprecating one it lacks, deprecating twice).
 */
export function applyGlossaryChange(base: GlossaryRecord, change: GlossaryChange, adopted: { at: Date; by: string; proposalId?: string }): GlossaryRecord {
  const version = base.version + 1;
  const existing = findTerm(base, change.vocabulary, change.term);
  const refuse = (message: string): never => {
    throw new SchemaError("glossary change", [{ path: "change.term", rule: "glossary", message }]);
  };
  let terms: GlossaryTerm[] = [...base.terms[change.vocabulary]];
  if (change.action === "add") {
    if (existing) refuse(`"${change.term}" is already a ${change.vocabulary} term (since v${existing.since}): propose redefine instead`);
    terms.push({ term: change.term, label: change.label!, definition: change.definition!, since: version });
  } else {
    if (!existing) refuse(`"${change.term}" is not a ${change.vocabulary} term in glossary v${base.version}: propose add instead`);
    if (change.action === "deprecate" && existing!.deprecated !== undefined) refuse(`"${change.term}" is deprecated since v${existing!.deprecated}`);
    terms = terms.map((t) =>
      t.term !== change.term
        ? t
        : change.action === "deprecate"
          ? { ...t, deprecated: version }
          : { ...t, definition: change.definition!, ...(change.label ? { label: change.label } : {}), revised: version },
    );
  }
  return GlossaryRecord.parse({
    version,
    terms: { ...base.terms, [change.vocabulary]: terms },
    adoptedAt: adopted.at.toISOString(),
    adoptedBy: adopted.by,
    ...(adopted.proposalId ? { proposalId: adopted.proposalId } : {}),
  });
}
