/**
 * The glossary handlers of every organisation's inbox (see `inboxHandlers`): the platform records
 * the proposals sent to it; everyone records each adopted version (create-if-absent: a version is
 * never rewritten, a redelivery changes nothing) and names the newest in its messages from then on.
 */
import { actorRefOf } from "@schakel/contracts";
import type { Delivery, Handlers } from "@schakel/contracts/bus";
import type { Logger } from "@schakel/runtime";
import { messageRefOf } from "../records.ts";
import type { OrgState } from "../state.ts";
import { glossaryStoreOf } from "./records.ts";

export function glossaryHandlers(state: OrgState, mine: (d: Delivery) => boolean, log: (d: Delivery) => Logger): Handlers {
  const store = glossaryStoreOf(state);
  return {
    "glossary.proposed": async (d) => {
      if (!mine(d)) return;
      const e = d.envelope;
      const by = actorRefOf(e);
      await store.proposals.create(d.data.proposalId, {
        ...d.data, from: e.sender, status: "proposed",
        message: messageRefOf(e),
        ...(by ? { actor: by } : {}),
      });
      log(d).info({ proposalId: d.data.proposalId, action: d.data.change.action, vocabulary: d.data.change.vocabulary, term: d.data.change.term }, "glossary change proposed");
    },
    "glossary.adopted": async (d) => {
      if (!mine(d)) return;
      const { glossary, proposalId } = d.data;
      const outcome = await store.versions.create(String(glossary.version), glossary);
      const kept = outcome.created ? undefined : outcome.existing?.value;
      if (kept && kept.proposalId !== proposalId) {
        log(d).warn({ version: glossary.version, proposalId, kept: kept.proposalId }, "a different glossary version of this number is already held; the first is kept");
      }
      // From now on the organisation's messages name the newest version it holds.
      state.useGlossaryVersion?.(glossary.version);
      await store.proposals.mutate(proposalId, (p) => p && { ...p, status: "adopted", adoptedVersion: glossary.version });
      log(d).info({ version: glossary.version, proposalId }, "glossary version adopted");
    },
  };
}
