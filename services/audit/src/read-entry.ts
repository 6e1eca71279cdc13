/**
 * What the chain keeps of a read record: the auditor reads READS raw (it chains bytes as stored),
 * and before it copies a read's who and what into the chain it checks the message like any
 * receiver does (`verifyStored`: signature, registered key, subject = sender, the organisation
 * named in the data = the sender, the data schema). A stored message that fails is still chained,
 * with the reason instead of the read, so nothing in READS goes unrecorded and nothing unverified
 * is taken for a read.
 */
import type { ReadRecorded } from "@schakel/contracts";
import { verifyStored, type KeyDirectory, type StoredMessage } from "@schakel/contracts/bus";
import type { AuditedRead } from "./record.ts";

/** The key directory and clock tolerance the read records are checked with. */
export interface ReadVerifier {
  directory: KeyDirectory;
  skewMs: number;
}

/** The read of a stored READS message, or why it is not one. */
export function readEntryOf(verifier: ReadVerifier, m: Pick<StoredMessage, "subject" | "body" | "headers" | "storedAt">): { read: AuditedRead } | { refused: string } {
  const verdict = verifyStored(verifier, m);
  if (!verdict.ok) return { refused: verdict.rejection.reason };
  if (verdict.type !== "read.recorded") return { refused: `unexpected-type ${verdict.type}` };
  const d = verdict.envelope.data as ReadRecorded;
  return {
    read: {
      readId: d.readId, ...(d.person !== undefined ? { person: d.person } : {}), organisation: d.organisation, ...(d.role !== undefined ? { role: d.role } : {}),
      interface: d.interface, purpose: d.purpose, kind: d.kind, messageIds: [...d.messageIds], ...(d.caseRef !== undefined ? { caseRef: d.caseRef } : {}),
      at: verdict.envelope.time,
    },
  };
}
