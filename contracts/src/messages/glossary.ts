/**
 * The glossary conversation: a policy owner proposes a change to the shared definitions, the
 * platform adopts it as the next glossary version for everyone.
 *
 * Who proposes: a Flemish policy domain (it owns the policy whose words these are: the prevention
 * tiers come from Flemish prevention policy) or the knowledge partner (VVSG, speaking for the
 * municipalities' practice). Definitions are built in dialogue between the two; the platform (VPR)
 * adopts, so one body keeps the versions in order.
 */
import { z } from "zod";
import { MessageId } from "../ids.ts";
import { GlossaryChange } from "../glossary-change.ts";
import { GlossaryRecord } from "../glossary.ts";
import { Remark, Timestamp } from "./common.ts";

export const GlossaryProposed = z.object({
  proposalId: MessageId,
  change: GlossaryChange,
  /** Why the term should change (the dialogue's argument). */
  reason: Remark,
  /** The glossary version the proposer read when it wrote the change. */
  basedOn: z.number().int().positive(),
  proposedAt: Timestamp,
});
export type GlossaryProposed = z.infer<typeof GlossaryProposed>;

export const GlossaryAdopted = z.object({
  proposalId: MessageId,
  /** The organisation that proposed it. */
  proposedBy: z.string().min(1).max(40),
  /** The new version, whole: a reader needs no earlier version to explain a term. */
  glossary: GlossaryRecord,
});
export type GlossaryAdopted = z.infer<typeof GlossaryAdopted>;
