/**
 * The console's side of the read audit: before a page or an API answer shows records that carry a
 * case reference, or any trace, or a bulk export, one `read.recorded` per case is published for
 * the signed-in person (person, organisation, role, interface "console", purpose, message ids) on
 * the person's organisation's own READS subject, and the answer waits for its acknowledgement. A
 * read that cannot be recorded is not shown: the route answers 503 instead. Views of nothing
 * sensitive (lists without case references, obligations, figures, health) record nothing.
 */
import { SchakelError, type Person, type PersonRole, type ReadKind } from "@schakel/contracts";
import type { ReadInput } from "@schakel/contracts/bus";

/** A record as shown: its envelope id and the case it is about, if any. */
export interface ShownRecord {
  id: string;
  caseRef?: string | undefined;
}

export interface ShownRead {
  kind: ReadKind;
  /** The view or API route, e.g. "notice detail" or "GET /api/messages". */
  purpose: string;
  records: readonly ShownRecord[];
}

/** Publishes one read for an organisation; the publisher's connection of that organisation. */
export type RecordReadAs = (org: string, read: ReadInput) => Promise<unknown>;

export interface ConsoleReadLog {
  /**
   * Records what `person` is about to be shown: one read per case reference among the records
   * (traces and exports: always, even without one). Resolves once every read is stored.
   * @throws SchakelError ("unreachable") when a read could not be recorded: show nothing.
   */
  shown(person: Person, what: ShownRead): Promise<void>;
}

/** Kinds recorded even when no shown record carries a case reference. */
const ALWAYS: ReadonlySet<ReadKind> = new Set<ReadKind>(["trace", "export", "case-content"]);
/** The most message ids one read names (the schema's limit). */
const IDS_PER_READ = 500;

/** The role a person reads in: the first of theirs, in the persons file's order. */
const readingRole = (person: Person): PersonRole => person.roles[0]!;

/** The console's read log over `recordAs` (publishing as the person's organisation). */
export function consoleReadLog(recordAs: RecordReadAs): ConsoleReadLog {
  return {
    async shown(person, what) {
      const byCase = new Map<string | undefined, string[]>();
      for (const r of what.records) {
        if (!r.caseRef && !ALWAYS.has(what.kind)) continue;
        const key = ALWAYS.has(what.kind) && !r.caseRef ? undefined : r.caseRef;
        byCase.set(key, [...(byCase.get(key) ?? []), r.id]);
      }
      // A trace or export that showed case messages is recorded under those cases; the rest once, without.
      if (byCase.size > 1) byCase.delete(undefined);
      const reads: ReadInput[] = [];
      for (const [caseRef, ids] of byCase) {
        for (let i = 0; i < ids.length; i += IDS_PER_READ) {
          reads.push({
            person: person.id, role: readingRole(person), interface: "console", purpose: what.purpose, kind: what.kind,
            messageIds: ids.slice(i, i + IDS_PER_READ), ...(caseRef ? { caseRef } : {}),
          });
        }
      }
      try {
        await Promise.all(reads.map((read) => recordAs(person.organisation, read)));
      } catch (err) {
        throw new SchakelError("unreachable", `this view is not shown: the read audit could not record it (${(err as Error).message}); try again when the bus is reachable`, { person: person.id }, { cause: err });
      }
    },
  };
}

/**
 * For a console without a bus (a read model served for a benchmark): nothing can be recorded, so
 * records with a case reference, traces and exports are refused rather than shown unrecorded.
 */
export const unrecordedReads: ConsoleReadLog = {
  async shown(_person, what) {
    if (ALWAYS.has(what.kind) || what.records.some((r) => r.caseRef)) {
      throw new SchakelError("unreachable", `this console runs without a bus, so it cannot record reads in the read audit: it does not show ${what.kind === "trace" ? "traces" : "records with a case reference"}`);
    }
  },
};
