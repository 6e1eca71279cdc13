/** The signal handlers of every organisation's inbox (see `inboxHandlers`). */
import type { Delivery, Handlers } from "@schakel/contracts/bus";
import type { Logger } from "@schakel/runtime";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { OrgState } from "../state.ts";
import { receiveSignal, receiveSignalAcknowledgement, receiveSignalReport } from "./received.ts";
import { receiveSignalTriage } from "./routed.ts";

/**
 * Signals addressed to the organisation (a neighbour's), acknowledgements of and reports on the
 * signals it raised, and triage decisions about its signals or forwarding one to it. The platform
 * keeps the signals addressed to it in its triage queue instead (`@schakel/platform`).
 */
export function signalHandlers(org: string, directory: KeyDirectory, state: OrgState, mine: (d: Delivery) => boolean, log: (d: Delivery) => Logger): Handlers {
  const isPlatform = directory.require(org).roles.includes("platform");
  return {
    "signal.raised": async (d) => {
      if (!mine(d) || isPlatform) return;
      await receiveSignal(state, d);
      log(d).info({ signalId: d.data.signalId, raisedBy: d.envelope.sender, severity: d.data.severity }, "signal received");
    },
    "signal.acknowledged": async (d) => {
      if (!mine(d)) return;
      const kept = await receiveSignalAcknowledgement(state, d);
      log(d).info({ signalId: d.data.signalId, recipient: d.data.recipient, kept }, "signal acknowledged");
    },
    "signal.triaged": async (d) => {
      if (!mine(d)) return;
      const what = await receiveSignalTriage(state, d);
      log(d).info({ signalId: d.data.signalId, decision: d.data.decision, partner: d.data.partner, what }, "signal triaged");
    },
    "signal.reported": async (d) => {
      if (!mine(d)) return;
      const kept = await receiveSignalReport(state, d);
      log(d).info({ signalId: d.data.signalId, partner: d.data.partner, kept }, "signal reported back on");
    },
  };
}
