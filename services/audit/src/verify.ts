/**
 * Verifying an audit log — typically a copy — line by line: each record must be valid, carry the
 * next index, link to the hash of the record before it, and hash to its own `hash`. The first
 * record that fails is reported as changed, removed or reordered, with its line. Checkpoints (kept
 * in the `audit` KV bucket, out of reach of whoever holds the file) additionally catch a log that
 * was cut short or rewritten from some point on with recomputed hashes.
 */
import { AuditRecord, GENESIS, recordHash } from "./record.ts";
import { logLines } from "./log.ts";

export type Tampering = "changed" | "removed" | "reordered";

export interface Checkpoint {
  i: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; path: string; records: number; head: { index: number; hash: string } | null; checkpoints: number }
  | { ok: false; path: string; records: number; problem: { kind: Tampering; line: number; index: number; detail: string } };

interface Line {
  line: number;
  text: string;
  record?: AuditRecord;
}

function parse(line: number, text: string): Line {
  try {
    const r = AuditRecord.safeParse(JSON.parse(text));
    return r.success ? { line, text, record: r.data } : { line, text };
  } catch {
    return { line, text };
  }
}

/** Reads the whole log and checks it; never throws for a damaged log, only for an unreadable file. */
export async function verifyAuditLog(path: string, opts: { checkpoints?: readonly Checkpoint[] } = {}): Promise<VerifyResult> {
  const lines: Line[] = [];
  for await (const { line, text } of logLines(path)) lines.push(parse(line, text));
  const fail = (kind: Tampering, at: Line | undefined, index: number, detail: string): VerifyResult =>
    ({ ok: false, path, records: lines.length, problem: { kind, line: at?.line ?? lines.length + 1, index, detail } });

  let prev = GENESIS;
  for (let n = 0; n < lines.length; n++) {
    const at = lines[n]!;
    const r = at.record;
    if (!r) return fail("changed", at, n, `line ${at.line} is not a valid audit record (bytes were changed)`);
    // Its own hash first: a changed index must read as a change, not as a removal.
    const { hash, prev: claimed, ...body } = r;
    if (recordHash(claimed, body) !== hash) {
      return fail("changed", at, n, `record ${r.i === n ? n : `${r.i} (expected ${n})`} (${r.stream} #${r.seq}) on line ${at.line} does not match its hash: its content was changed`);
    }
    if (r.i !== n) {
      const later = lines.findIndex((l, k) => k > n && l.record?.i === n);
      if (later >= 0 || r.i < n) {
        return fail("reordered", at, n, `record ${n} should be on line ${at.line} but record ${r.i} is there${later >= 0 ? `; record ${n} is on line ${lines[later]!.line}` : ""}`);
      }
      return fail("removed", at, n, `record${r.i - n > 1 ? `s ${n}–${r.i - 1} are` : ` ${n} is`} missing before line ${at.line} (which holds record ${r.i})`);
    }
    if (claimed !== prev) {
      return fail("changed", at, n, `record ${n} on line ${at.line} does not follow record ${n - 1}: one of them was changed and re-hashed`);
    }
    prev = hash;
  }

  const checkpoints = [...(opts.checkpoints ?? [])].sort((a, b) => a.i - b.i);
  for (const c of checkpoints) {
    const at = lines[c.i];
    if (!at) return fail("removed", undefined, c.i, `a checkpoint vouches for record ${c.i} (hash ${c.hash.slice(0, 12)}…) but the log ends after record ${lines.length - 1}: records were cut off`);
    if (at.record!.hash !== c.hash) {
      return fail("changed", at, c.i, `record ${c.i} on line ${at.line} has hash ${at.record!.hash.slice(0, 12)}… but the checkpoint says ${c.hash.slice(0, 12)}…: the log was rewritten from there on`);
    }
  }
  const last = lines.at(-1)?.record;
  return { ok: true, path, records: lines.length, head: last ? { index: last.i, hash: last.hash } : null, checkpoints: checkpoints.length };
}
