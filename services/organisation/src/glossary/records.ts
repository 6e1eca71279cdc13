/**
 * An organisation's glossary records in its bucket `org-<id>`: each adopted glossary version it
 * received (`glossary.<version>`, one small record per version whatever the number of
 * organisations) and the proposals it sent or, for the platform, received
 * (`glossary-proposal.<proposalId>`).
 */
import { z } from "zod";
import { ActorRef, BUILTIN_GLOSSARY, GlossaryChange, GlossaryRecord, GlossaryShelf, MessageId, OrgId, Timestamp } from "@schakel/contracts";
import { RecordBucket, type RecordStore } from "@schakel/contracts/bus";
import { MessageRef } from "../records.ts";
import { ORG_RECORD_PREFIXES, type OrgState } from "../state.ts";

export const PROPOSAL_STATUSES = ["sent", "proposed", "adopted"] as const;

/** A proposal: `sent` at the proposer, `proposed` at the platform until it is `adopted`. */
export const GlossaryProposalRecord = z.object({
  proposalId: MessageId,
  from: OrgId,
  change: GlossaryChange,
  reason: z.string(),
  basedOn: z.number().int().positive(),
  proposedAt: Timestamp,
  /** The proposal message (the adoption answers it). */
  message: MessageRef,
  status: z.enum(PROPOSAL_STATUSES),
  adoptedVersion: z.number().int().positive().optional(),
  actor: ActorRef.optional(),
});
export type GlossaryProposalRecord = z.infer<typeof GlossaryProposalRecord>;

export interface GlossaryStore {
  versions: RecordBucket<typeof GlossaryRecord>;
  proposals: RecordBucket<typeof GlossaryProposalRecord>;
}

/** The glossary records in the organisation's bucket. */
export function glossaryStoreOf(state: OrgState): GlossaryStore {
  return glossaryStoreIn(state.notices.kv);
}

export function glossaryStoreIn(kv: RecordStore): GlossaryStore {
  return {
    versions: new RecordBucket(kv, GlossaryRecord, "glossary version", ORG_RECORD_PREFIXES.glossary),
    proposals: new RecordBucket(kv, GlossaryProposalRecord, "glossary proposal", ORG_RECORD_PREFIXES.glossaryProposals),
  };
}

/** The glossaries the organisation holds: the built-in version and every adopted version it recorded. */
export async function glossaryShelf(state: OrgState): Promise<GlossaryShelf> {
  const adopted = await glossaryStoreOf(state).versions.list();
  return new GlossaryShelf([BUILTIN_GLOSSARY, ...adopted.map((r) => r.value)]);
}

/** The proposals the organisation sent or received, newest first. */
export async function glossaryProposals(state: OrgState): Promise<GlossaryProposalRecord[]> {
  const all = await glossaryStoreOf(state).proposals.list();
  return all.map((r) => r.value).sort((a, b) => b.proposedAt.localeCompare(a.proposedAt));
}
