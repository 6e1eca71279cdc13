/**
 * The demo's glossary step: a Flemish policy domain proposes to redefine a term of the shared
 * glossary, with its reason; the platform coordinator (a person, named on the adoption) adopts it
 * as the next version, sent to everyone; mechelen's service records it, and from then on
 * mechelen's messages name that version. What is said is read back from the organisations'
 * records and from the stored messages, never assumed.
 */
import { findTerm, glossaryVersionOf, SchakelError } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { adoptGlossaryProposal, glossaryShelf, orgState, platformOf, proposeGlossaryChange } from "@schakel/organisation";
import type { PartiesStep } from "./parties.ts";
import { retryUntil } from "./retry.ts";

const NOT_YET = "not-yet" as const;

/** The change the demo proposes: the signal kind "polarisation" also covers what is seen online. */
const CHANGE = {
  action: "redefine", vocabulary: "signal-kind", term: "polarisation",
  definition: "Growing us-versus-them thinking between groups in the municipality, in the street or online; a signal kind, not a crime.",
} as const;
const REASON = "Youth workers see polarisation online first; the definition should say that a signal may come from online spaces too.";

/** The newest glossary version `bus`'s organisation holds (its service records each adopted version). */
const heldVersion = async (bus: Bus): Promise<number> => (await glossaryShelf(await orgState(bus))).latest!.version;

/**
 * Plays the step; resolves with the adopted version once mechelen's service holds it (mechelen's
 * connection names it from then on), or undefined when some part did not happen in time (said).
 */
export async function playGlossaryChange(step: PartiesStep): Promise<number | undefined> {
  const { actors, say } = step;
  const proposer = "jeugd";
  const proposed = await proposeGlossaryChange(await actors.as(proposer), { change: CHANGE, reason: REASON });
  say(`   ${proposer} → ${proposed.to} glossary.proposed: ${CHANGE.action} ${CHANGE.vocabulary} "${CHANGE.term}" (based on v${proposed.basedOn}) — "${REASON}"`);

  const platform = platformOf(actors.directory);
  const adopted = await retryUntil(async () => adoptGlossaryProposal(await actors.as(platform), proposed.proposalId, {
    actor: { person: "e.janssens", role: "platform-coordinator" },
  }).catch((err: unknown) => {
    // The platform's service records the proposal as it arrives; until then there is nothing to adopt.
    if (err instanceof SchakelError && err.code === "not-found") return NOT_YET;
    throw err;
  }), (r) => r !== NOT_YET, step.signal);
  if (adopted === NOT_YET) {
    say(`   (${platform}'s service did not record the proposal in time; adopt it with: npx schakel glossary adopt ${proposed.proposalId} --as ${platform})`);
    return undefined;
  }
  const term = findTerm(adopted.glossary, CHANGE.vocabulary, CHANGE.term);
  say(`   ${platform} (e.janssens, platform coordinator) → all glossary.adopted: glossary v${adopted.version}, "${CHANGE.term}" revised in v${term?.revised ?? "?"}`);

  const mechelen = await actors.as("mechelen");
  const held = await retryUntil(() => heldVersion(mechelen), (v) => v >= adopted.version, step.signal);
  if (held < adopted.version) {
    say(`   (mechelen's service has not recorded glossary v${adopted.version} yet; check with: npx schakel glossary show --as mechelen)`);
    return undefined;
  }
  // A connection opened before the adoption names what its organisation held then; a new one (a CLI command) reads it afresh.
  await actors.nameNewestGlossary();
  say(`   mechelen's service recorded glossary v${held}; its messages name glossaryversion ${held} from now on — npx schakel glossary show --as mechelen`);
  return held;
}

/** Says which glossary version the stored message `messageId` of `org` names (read from the feed). */
export async function sayGlossaryNamed(step: PartiesStep, org: string, messageId: string, what: string): Promise<void> {
  const item = await step.watch.waitFor(`${org}'s ${what}`, (i) => i.id === messageId, 10_000, step.signal).catch(() => undefined);
  if (!item?.envelope) return step.say(`   (${org}'s ${what} is not in the feed yet)`);
  step.say(`   ${org}'s ${what} names glossaryversion ${glossaryVersionOf(item.envelope)} in its envelope`);
}
