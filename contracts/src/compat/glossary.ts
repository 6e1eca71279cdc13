/**
 * The glossary's compatibility: stored messages name terms (a signal's kind, a knowledge item's
 * forms, an update's tier) and are read for years, so a released term keeps its id and meaning.
 *
 * Breaking: a released term removed (or its id changed, which is the same for a stored message),
 * a term's definition or label changed without a new glossary version that records the change
 * (`revised`), a term's `since` changed, a deprecation withdrawn, the version going back, or a term
 * the release's message schemas accept left without a definition. Allowed: terms added, terms
 * deprecated, definitions revised by a later version.
 *
 * The released glossary is `contracts/schemas/glossary.json`, beside the released envelope.
 */
import { readFile, writeFile } from "node:fs/promises";
import { BUILTIN_GLOSSARY } from "../glossary-builtin.ts";
import { GlossaryRecord, VOCABULARIES, VOCABULARY_TERMS, type Vocabulary } from "../glossary.ts";
import { SCHEMAS_DIR } from "./snapshots.ts";

export const GLOSSARY_SNAPSHOT = new URL("glossary.json", SCHEMAS_DIR);

/** One thing that breaks readers of the released glossary, with what to do. */
export interface GlossaryProblem {
  vocabulary?: Vocabulary;
  term?: string;
  problem: string;
}

/** Terms stored messages use, per vocabulary (e.g. gathered from a stream); optional detail for the check's messages. */
export type TermsInUse = Partial<Record<Vocabulary, ReadonlySet<string>>>;

/**
 * Checks `current` against the `released` glossary; empty when compatible. `accepted` is what the
 * message schemas take (default: this release's enums), each of which needs a definition.
 */
export function checkGlossary(
  released: GlossaryRecord,
  current: GlossaryRecord,
  opts: { inUse?: TermsInUse; accepted?: Readonly<Record<Vocabulary, readonly string[]>> } = {},
): GlossaryProblem[] {
  const problems: GlossaryProblem[] = [];
  if (current.version < released.version) problems.push({ problem: `the glossary is v${current.version} but v${released.version} was released; a version never goes back` });
  for (const vocabulary of VOCABULARIES) {
    const now = new Map(current.terms[vocabulary].map((t) => [t.term, t]));
    for (const before of released.terms[vocabulary]) {
      const after = now.get(before.term);
      const used = opts.inUse?.[vocabulary]?.has(before.term) ? " (stored messages use it)" : "";
      const at = { vocabulary, term: before.term };
      if (!after) {
        problems.push({ ...at, problem: `${vocabulary} "${before.term}" was released and is gone${used}: keep the term (deprecate it instead); a term's id never changes` });
        continue;
      }
      if (after.since !== before.since) problems.push({ ...at, problem: `${vocabulary} "${before.term}" changed its since-version v${before.since} → v${after.since}: it is history, keep it` });
      if (before.deprecated !== undefined && after.deprecated !== before.deprecated) {
        problems.push({ ...at, problem: `${vocabulary} "${before.term}" was deprecated in v${before.deprecated}; a deprecation is not withdrawn (propose a new term)` });
      }
      const reworded = after.definition !== before.definition || after.label.nl !== before.label.nl || after.label.en !== before.label.en;
      const recorded = after.revised !== undefined && after.revised > released.version && after.revised <= current.version;
      if (reworded && !recorded) {
        problems.push({ ...at, problem: `${vocabulary} "${before.term}" was redefined without a new glossary version${used}: readers of v${released.version} would take it in another meaning; propose the redefinition and let the platform adopt it as a new version` });
      }
    }
    for (const term of (opts.accepted ?? VOCABULARY_TERMS)[vocabulary]) {
      if (!now.has(term)) problems.push({ vocabulary, term, problem: `${vocabulary} "${term}" is accepted by the message schemas but has no definition in glossary v${current.version}: add it` });
    }
  }
  return problems;
}

/** Reads the released glossary; an unreadable file is an error naming it. */
export async function readGlossarySnapshot(file: URL = GLOSSARY_SNAPSHOT): Promise<GlossaryRecord> {
  const text = await readFile(file, "utf8");
  try {
    return GlossaryRecord.parse(JSON.parse(text));
  } catch (cause) {
    throw new Error("schemas/glossary.json is not a glossary record; restore it from git", { cause });
  }
}

/** Records the built-in glossary as released, when compatible; returns the refusal otherwise. */
export async function releaseGlossary(file: URL = GLOSSARY_SNAPSHOT, current: GlossaryRecord = BUILTIN_GLOSSARY): Promise<{ action: "unchanged" | "refreshed" } | { action: "refuse"; reason: string }> {
  const released = await readGlossarySnapshot(file).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)));
  // Compared as read back (parsing puts the keys in the schema's order), so an unchanged glossary is not written again.
  if (released && JSON.stringify(released) === JSON.stringify(GlossaryRecord.parse(current))) return { action: "unchanged" };
  const problems = released ? checkGlossary(released, current) : [];
  if (problems.length) return { action: "refuse", reason: problems.map((p) => p.problem).join("; ") };
  await writeFile(file, `${JSON.stringify(current, null, 2)}\n`);
  return { action: "refreshed" };
}
