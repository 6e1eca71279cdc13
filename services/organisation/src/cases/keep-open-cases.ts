/**
 * Keeping open cases from ageing out. The case state bucket `case-<id>` keeps a write only as long
 * as the CASE stream keeps case messages (its max_age; nats-server 2.9 has no per-key TTL), so a
 * record that nobody writes disappears one retention after its last write. An open case must not
 * silently go that way: its records whose last write is older than half the bucket's max_age are
 * written again, unchanged (compare-and-set, so a change made meanwhile wins).
 *
 * What is kept: the file of a case that is neither closed nor erased, and the consultations and
 * hand-over of such a case; and the file of an own closed case until it is erased, since the
 * retention erasure reads it (erasing a case destroys its key everywhere; a file gone before that
 * would leave the key behind). Everything else ages out: a closed case's file at a participant, a
 * closed or erased case's consultations, a consultation or hand-over of a case this organisation
 * holds no open file of.
 */
import type { z } from "zod";
import type { RecordBucket } from "@schakel/contracts/bus";
import type { CaseFile } from "../records.ts";
import type { CaseStateStore, OrgState } from "../state.ts";

export interface KeptCases {
  /** Full keys written again (`case-file.<ref>`, `case-in.<id>`, …). */
  refreshed: string[];
  /** The bucket's max_age in milliseconds (0: nothing ages out, nothing was looked at). */
  maxAgeMs: number;
}

/** Whether the file keeps its case's records alive: open, or own and waiting for its retention erasure. */
function kept(file: CaseFile, org: string): boolean {
  return !file.erased && (!file.closed || file.livc === org);
}

/**
 * Writes again the records of the organisation's open cases (see the file comment) whose last
 * write is older than half the case bucket's max_age at `now`. A record that does not decode is
 * left alone and reported through `onInvalid`. Throws the bucket's error when a read or write fails.
 */
export async function keepOpenCases(state: OrgState, now = Date.now(), onInvalid?: (key: string, err: unknown) => void): Promise<KeptCases> {
  const bucket = state.caseBucket;
  const maxAgeMs = bucket ? (await bucket.status()).ttl : 0;
  if (!bucket || maxAgeMs <= 0) return { refreshed: [], maxAgeMs };
  const store: CaseStateStore = bucket;
  const staleBefore = now - maxAgeMs / 2;
  const refreshed: string[] = [];
  const openRefs = new Set<string>();
  const refresh = async <S extends z.ZodType>(records: RecordBucket<S>, keep: (value: z.infer<S>) => boolean): Promise<void> => {
    for (const key of await records.keys()) {
      const full = records.keyPrefix + key;
      const entry = await store.get(full);
      if (entry?.operation !== "PUT") continue;
      let value: z.infer<S>;
      try {
        value = records.decode(key, entry.value);
      } catch (err) {
        onInvalid?.(full, err);
        continue;
      }
      if (!keep(value) || entry.created.getTime() > staleBefore) continue;
      if ((await records.update(key, value, entry.revision)).ok) refreshed.push(full);
    }
  };
  await refresh(state.cases, (file) => {
    if (!file.erased && !file.closed) openRefs.add(file.caseRef);
    return kept(file, state.org);
  });
  await refresh(state.consultationsIn, (c) => openRefs.has(c.caseRef));
  await refresh(state.consultationsOut, (c) => openRefs.has(c.caseRef));
  await refresh(state.transfersIn, (t) => openRefs.has(t.caseRef));
  return { refreshed, maxAgeMs };
}
