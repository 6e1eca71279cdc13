/**
 * The glossary versions the console knows: the built-in one and every `glossary.adopted` it read
 * (the read model passes them on at ingest). Adopted versions go to all, so one shelf serves every
 * viewpoint; the term helper (`views/glossary-term.ts`) explains terms from it.
 */
import { BUILTIN_GLOSSARY, GlossaryShelf, type GlossaryRecord } from "@schakel/contracts";

export const consoleGlossary = new GlossaryShelf([BUILTIN_GLOSSARY]);

/** Keeps an adopted version (the first of each number wins, as in the organisations' records). */
export function learnGlossary(record: GlossaryRecord): void {
  if (!consoleGlossary.at(record.version)) consoleGlossary.add(record);
}
