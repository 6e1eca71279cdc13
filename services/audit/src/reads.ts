/**
 * Questions to the read audit, answered from the chain file: who saw what about a case
 * (`caseRef`), what a person saw (`person`), since when. Each answer is a chained record, so it is
 * as trustworthy as the chain (verify.ts checks that first). READS messages that did not verify as
 * read records are counted, never shown as reads.
 */
import { logLines } from "./log.ts";
import { AuditRecord, type AuditedRead } from "./record.ts";

export interface ReadQuery {
  caseRef?: string;
  person?: string;
  /** Only reads stored at or after this time. */
  since?: Date;
}

/** One read as the chain holds it: its record index, stream sequence and storage time. */
export interface ChainedRead {
  i: number;
  seq: number;
  storedAt: string;
  read: AuditedRead;
}

/** The reads in a chain file matching `q`, in chain order, and how many READS records were refused. */
export async function readsInLog(path: string, q: ReadQuery = {}): Promise<{ reads: ChainedRead[]; refused: number }> {
  const reads: ChainedRead[] = [];
  let refused = 0;
  for await (const { text } of logLines(path)) {
    const parsed = AuditRecord.safeParse(JSON.parse(text));
    if (!parsed.success) continue;
    const r = parsed.data;
    if (r.refused !== undefined) refused++;
    if (!r.read) continue;
    if (q.caseRef !== undefined && r.read.caseRef !== q.caseRef) continue;
    if (q.person !== undefined && r.read.person !== q.person) continue;
    if (q.since !== undefined && Date.parse(r.storedAt) < q.since.getTime()) continue;
    reads.push({ i: r.i, seq: r.seq, storedAt: r.storedAt, read: r.read });
  }
  return { reads, refused };
}
