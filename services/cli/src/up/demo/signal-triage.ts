/**
 * The demo's signal step: a municipality's signal to its neighbour, received and acknowledged;
 * a signal to the platform, queued with the rules' proposal, then forwarded by the platform
 * coordinator (a person, named on the decision) to a partner that acknowledges and owes a report
 * back by a deadline the platform watches.
 */
import { SchakelError } from "@schakel/contracts";
import { acknowledgeSignal, platformOf, raiseSignal } from "@schakel/organisation";
import { triageSignal } from "@schakel/platform";
import type { PartiesStep } from "./parties.ts";
import { retryUntil } from "./retry.ts";

const NOT_YET = "not-yet" as const;

/** Tries again while the service that `attempt` relies on has not recorded the signal yet (about 10 s at most). */
const whenRecorded = <T>(step: PartiesStep, attempt: () => Promise<T | typeof NOT_YET>): Promise<T | typeof NOT_YET> =>
  retryUntil(attempt, (r) => r !== NOT_YET, step.signal);

const acknowledged = (r: Awaited<ReturnType<typeof acknowledgeSignal>>) => (r.outcome === "unknown-signal" ? NOT_YET : r.outcome);

/** Plays the step (its lines go through `step.say`). */
export async function playSignalTriage(step: PartiesStep): Promise<void> {
  const { actors, say } = step;
  const neighbour = await raiseSignal(await actors.as("willebroek"), {
    to: "mechelen", kind: "tension", severity: "medium", title: "Groups travelling to Saturday's demonstration", extremismForms: ["far-right"],
    description: "Calls on social media to travel to the demonstration in Mechelen together; no individuals known.",
  });
  const ack = await whenRecorded(step, async () => acknowledged(await acknowledgeSignal(await actors.as("mechelen"), {
    signalId: neighbour.signalId, remark: "Passed on to our police zone and local cell.", actor: { person: "l.peeters", role: "livc-coordinator" },
  })));
  say(`   willebroek → mechelen signal.raised; mechelen (l.peeters) → willebroek signal.acknowledged: ${ack}`);

  const platform = platformOf(actors.directory);
  const raised = await raiseSignal(await actors.as("vilvoorde"), {
    kind: "incident", severity: "high", title: "Threatening graffiti at a place of worship", extremismForms: ["far-right"], escalate: true,
    description: "Symbols linked to far-right groups on the walls of a mosque; the police zone is informed. No individuals known.",
  });
  const outcome = await whenRecorded(step, async () => triageSignal(await actors.as(platform), {
    signalId: raised.signalId, decision: "forward", partner: "fed-police", actor: { person: "e.janssens", role: "platform-coordinator" },
    reason: "Far-right symbols at a place of worship: the federal police follow up with the local zone and report back.",
  }).catch((err: unknown) => {
    if (err instanceof SchakelError && err.code === "not-found") return NOT_YET;
    throw err;
  }));
  if (outcome === NOT_YET) return say(`   (the platform has not queued vilvoorde's signal ${raised.signalId})`);
  say(`   ${platform} (e.janssens, platform coordinator) → vilvoorde, fed-police signal.triaged: forward to fed-police, report back by ${outcome.reportBackBy}`);
  await whenRecorded(step, async () => acknowledged(await acknowledgeSignal(await actors.as("fed-police"), { signalId: raised.signalId })));
  await step.watch.waitFor("fed-police's acknowledgement", (i) => i.type === "signal.acknowledged" && i.sender === "fed-police", 10_000, step.signal)
    .catch((err: Error) => say(`   (fed-police's acknowledgement: ${err.message})`));
}
