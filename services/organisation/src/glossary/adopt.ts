/**
 * The platform adopts a glossary proposal: the next version (the newest it holds with the change
 * applied) goes to everyone as `glossary.adopted`, naming that version in its envelope. The
 * version is claimed first (create-if-absent on `glossary.<version>`), so two adoptions at once
 * never make two different versions of one number; a retry after a crash re-sends the same message.
 */
import { applyGlossaryChange, SchakelError, traceIdOf, type Actor, type GlossaryRecord } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import { glossaryShelf, glossaryStoreOf } from "./records.ts";

export interface AdoptedGlossary {
  proposalId: string;
  version: number;
  glossary: GlossaryRecord;
  messageId: string;
  traceId: string;
  duplicate: boolean;
}

/**
 * Adopts proposal `proposalId` as the bus's organisation, which must be the platform and hold the
 * proposal (its service records the proposals sent to it).
 * @throws SchakelError `not-allowed` (not the platform), `not-found` (no such proposal), `conflict`
 *   (another proposal took the version meanwhile: adopt again), SchemaError (the change no longer fits)
 */
export async function adoptGlossaryProposal(bus: Bus, proposalId: string, opts: { actor?: Actor; now?: Date } = {}): Promise<AdoptedGlossary> {
  if (!bus.directory.require(bus.org).roles.includes("platform")) {
    throw new SchakelError("not-allowed", `"${bus.org}" is not the platform: only the platform adopts glossary proposals`, { org: bus.org });
  }
  const state = await orgState(bus);
  const store = glossaryStoreOf(state);
  const proposal = (await store.proposals.get(proposalId))?.value;
  if (!proposal) throw new SchakelError("not-found", `no glossary proposal "${proposalId}" at "${bus.org}": list them with "schakel glossary proposals --as ${bus.org}"`, { proposalId });
  const shelf = await glossaryShelf(state);
  let glossary = proposal.adoptedVersion !== undefined ? shelf.at(proposal.adoptedVersion) : undefined;
  if (!glossary) {
    const next = applyGlossaryChange(shelf.latest!, proposal.change, { at: opts.now ?? new Date(), by: bus.org, proposalId });
    const claim = await store.versions.create(String(next.version), next);
    const existing = claim.created ? undefined : claim.existing?.value;
    if (existing && existing.proposalId !== proposalId) {
      throw new SchakelError("conflict", `glossary v${next.version} was just adopted from proposal ${existing.proposalId ?? "(unknown)"}: adopt ${proposalId} again to make it v${next.version + 1}`, { proposalId });
    }
    glossary = existing ?? next;
  }
  const sent = await bus.publish(
    "glossary.adopted",
    { proposalId, proposedBy: proposal.from, glossary },
    { to: "all", idempotencyKey: `glossary-adopted|${proposalId}`, inReplyTo: proposal.message, glossaryVersion: glossary.version, ...(opts.actor ? { actor: opts.actor } : {}) },
  );
  const version = glossary.version;
  await store.proposals.mutate(proposalId, (p) => p && { ...p, status: "adopted", adoptedVersion: version });
  return { proposalId, version, glossary, messageId: sent.id, traceId: traceIdOf(sent.envelope.traceparent), duplicate: sent.duplicate };
}
