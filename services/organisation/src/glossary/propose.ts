/**
 * Proposing a glossary change: a policy owner (a Flemish policy domain, or VVSG as knowledge
 * partner; the catalog's senders of `glossary.proposed`) sends the change and its reason to the
 * platform, which adopts it or not. The proposer keeps a record (`sent`).
 */
import { actorRefOf, applyGlossaryChange, GlossaryChange, newMessageId, SchakelError, SchemaError, traceIdOf, type Actor } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { messageRefOf } from "../records.ts";
import { orgState } from "../state.ts";
import { glossaryShelf, glossaryStoreOf } from "./records.ts";

export interface ProposeGlossaryInput {
  change: GlossaryChange;
  reason: string;
  /** Give the id of an earlier attempt to retry it with the same message id. */
  proposalId?: string;
  actor?: Actor;
}

export interface ProposedGlossaryChange {
  proposalId: string;
  to: string;
  basedOn: number;
  messageId: string;
  traceId: string;
  duplicate: boolean;
}

/**
 * Proposes `change` as the bus's organisation. Throws SchemaError naming the field when the change
 * or reason is invalid or does not fit the newest glossary version the organisation holds.
 */
export async function proposeGlossaryChange(bus: Bus, input: ProposeGlossaryInput, now = new Date()): Promise<ProposedGlossaryChange> {
  const parsed = GlossaryChange.safeParse(input.change);
  if (!parsed.success) throw SchemaError.fromZod("glossary change", parsed.error, "change");
  if (!input.reason.trim()) throw new SchemaError("glossary proposal", [{ path: "reason", rule: "required", message: "say why the term should change" }]);
  const state = await orgState(bus);
  const shelf = await glossaryShelf(state);
  const base = shelf.latest!;
  applyGlossaryChange(base, parsed.data, { at: now, by: bus.org }); // throws when it does not fit
  const platform = platformOf(bus.directory);
  if (platform === bus.org) throw new SchakelError("not-allowed", `"${bus.org}" is the platform: it adopts proposals, it does not send them`, { org: bus.org });
  const proposalId = input.proposalId ?? newMessageId();
  const proposedAt = now.toISOString();
  const sent = await bus.publish(
    "glossary.proposed",
    { proposalId, change: parsed.data, reason: input.reason, basedOn: base.version, proposedAt },
    { to: platform, idempotencyKey: `glossary-proposal|${proposalId}`, glossaryVersion: base.version, ...(input.actor ? { actor: input.actor } : {}) },
  );
  const by = actorRefOf(sent.envelope);
  const e = sent.envelope;
  await glossaryStoreOf(state).proposals.create(proposalId, {
    proposalId, from: bus.org, change: parsed.data, reason: input.reason, basedOn: base.version, proposedAt, status: "sent",
    message: messageRefOf(e),
    ...(by ? { actor: by } : {}),
  });
  return { proposalId, to: platform, basedOn: base.version, messageId: sent.id, traceId: traceIdOf(e.traceparent), duplicate: sent.duplicate };
}
