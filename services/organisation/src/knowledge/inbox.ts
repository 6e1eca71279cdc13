/** The knowledge handlers of every organisation's inbox (see `inboxHandlers`). */
import type { Delivery, Handlers, KeyDirectory } from "@schakel/contracts/bus";
import type { Logger } from "@schakel/runtime";
import type { OrgState } from "../state.ts";
import { isCurator } from "./curator.ts";
import { receiveCuratedKnowledge, receiveKnowledge } from "./received.ts";

/**
 * The curator (VVSG) records the knowledge shared with it as submissions; every organisation
 * records what the curator published to the library, and the sharer the curator's decision.
 */
export function knowledgeHandlers(org: string, directory: KeyDirectory, state: OrgState, mine: (d: Delivery) => boolean, log: (d: Delivery) => Logger): Handlers {
  const curator = isCurator(directory, org);
  return {
    "knowledge.shared": async (d) => {
      if (!mine(d)) return;
      await receiveKnowledge(state, d, curator);
      log(d).info({ knowledgeId: d.data.knowledgeId, format: d.data.format, sharedBy: d.envelope.sender }, curator ? "knowledge submitted for curation" : "knowledge shared");
    },
    "knowledge.curated": async (d) => {
      if (!mine(d)) return;
      await receiveCuratedKnowledge(state, d);
      log(d).info({ knowledgeId: d.data.knowledgeId, decision: d.data.decision, sharedBy: d.data.sharedBy }, "knowledge curated");
    },
  };
}
