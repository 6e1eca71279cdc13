/**
 * Re-driving dead letters whose cause is gone: each original is checked as a receiver would check
 * it today (recheck.ts); one that passes is published again on its live subject through the admin
 * connection, with its signature, so every consumer of that subject checks it again and one that
 * already handled it drops it (processed-id store). Each re-drive is written to the data folder's
 * re-drive log. One that fails is left alone and the current reason is reported. The stream's
 * duplicate window (10 min by default) still knows a message id stored shortly before: JetStream
 * then stores nothing, and that is reported as such (run it again once the window has passed).
 */
import type { KeyDirectory, OperatorConnection, RedriveOriginal, StoredMessage } from "@schakel/contracts/bus";
import { CliError, EXIT } from "../exit-codes.ts";
import { appendRedrive } from "./redrive-log.ts";
import { recheck, type Refusal } from "./recheck.ts";
import { deadLetterOf, type DeadLetter } from "./records.ts";

/** What became of one dead letter. */
export interface RedriveResult {
  seq: number;
  /** The original's live subject (null when the record names none). */
  subject: string | null;
  /** Why it had been refused. */
  reason: string;
  organisation: string;
  redriven: boolean;
  /** Where the copy was stored (re-driven only). */
  stored?: { stream: string; seq: number };
  /** Another dead letter of this run with the same original: re-driven once, with that one. */
  with?: number;
  /** Why it was not re-driven: today's rejection, or the re-drive's own reason. */
  refusal?: Refusal;
}

export interface RedriveRun {
  op: OperatorConnection;
  directory: KeyDirectory;
  skewMs: number;
  dataDir: string;
  person: string;
}

/** The original as its stream still stores it, if the record says where and it is still there. */
async function sourceOf(op: OperatorConnection, d: DeadLetter): Promise<StoredMessage | undefined> {
  if (!d.source.stream || d.source.seq === null) return undefined;
  return op.storedMessage(d.source.stream, d.source.seq).catch(() => undefined);
}

/** Writes the re-drive of `d` to the log; a failure says the copy went out all the same (exit 1). */
function logRedrive(run: RedriveRun, d: DeadLetter, original: RedriveOriginal, stored: { stream: string; seq: number }): void {
  try {
    appendRedrive(run.dataDir, {
      at: new Date().toISOString(), person: run.person, seq: d.seq, subject: original.subject, messageId: original.id,
      reason: d.reason, organisation: d.organisation, stream: stored.stream, storedSeq: stored.seq,
    });
  } catch (err) {
    throw new CliError(`dead letter #${d.seq} was re-driven (${stored.stream} #${stored.seq}) but the re-drive log could not be written: ${(err as Error).message}`, EXIT.failure);
  }
}

/** Re-drives `records` (DEADLETTER messages) in order; never throws for one message's refusal. */
export async function redriveAll(run: RedriveRun, records: StoredMessage[]): Promise<RedriveResult[]> {
  const results: RedriveResult[] = [];
  const sent = new Map<string, { seq: number; stored: { stream: string; seq: number } }>();
  for (const record of records) {
    const d = deadLetterOf(record);
    const base = { seq: d.seq, subject: d.source.subject, reason: d.reason, organisation: d.organisation };
    const checked = recheck(record, await sourceOf(run.op, d), { directory: run.directory, skewMs: run.skewMs });
    if (!checked.ok) {
      results.push({ ...base, redriven: false, refusal: checked.refusal });
      continue;
    }
    const { original } = checked;
    // Several consumers file the same message (an inbox and the platform): it goes out once.
    const earlier = sent.get(original.id);
    if (earlier) {
      logRedrive(run, d, original, earlier.stored);
      results.push({ ...base, redriven: true, stored: earlier.stored, with: earlier.seq });
      continue;
    }
    const copy = await run.op.redrive(original);
    if (copy.duplicate) {
      results.push({ ...base, redriven: false, refusal: {
        reason: "duplicate",
        detail: `${copy.stream} still holds message id ${original.id} (#${copy.seq}) in its duplicate window, so nothing was stored: run the re-drive again once that window (10 min by default) has passed`,
      } });
      continue;
    }
    const stored = { stream: copy.stream, seq: copy.seq };
    sent.set(original.id, { seq: d.seq, stored });
    logRedrive(run, d, original, stored);
    results.push({ ...base, redriven: true, stored });
  }
  return results;
}
