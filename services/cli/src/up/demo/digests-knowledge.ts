/**
 * The demo's digest and knowledge steps: mechelen shares an intervision with VVSG, whose
 * curator publishes it to the library; once the platform's digests are out, mechelen confirms
 * reading an item of its digest (the policy domain that published it sees the read).
 */
import { confirmDigestRead, curateKnowledge, receivedDigests, shareKnowledge } from "@schakel/organisation";
import type { PartiesStep } from "./parties.ts";
import { retryUntil } from "./retry.ts";

/** Waits (about 10 s at most) until `attempt` finds what a service had to record first. */
const whenFound = <T>(step: PartiesStep, attempt: () => Promise<T | undefined>): Promise<T | undefined> =>
  retryUntil(attempt, (r) => r !== undefined, step.signal);

/** Mechelen shares an intervision with the curator; VVSG publishes it to everyone's library. */
export async function shareAndCurateKnowledge(step: PartiesStep): Promise<void> {
  const { actors, say } = step;
  const shared = await shareKnowledge(await actors.as("mechelen"), {
    format: "intervision", title: "Intervision: talking with families about far-right groups", location: "Mechelen, stadhuis",
    summary: "Coordinating officials compare how they approach families worried about a child drawn to far-right groups.",
    date: new Date(Date.now() + 21 * 86_400_000).toISOString(), preventionTier: "secondary", extremismForms: ["far-right"], domain: "jeugd",
  });
  say(`   mechelen → ${shared.to} knowledge.shared ${shared.knowledgeId} (waiting for curation)`);
  const vvsg = await actors.as(shared.to);
  const curated = await whenFound(step, async () => curateKnowledge(vvsg, { knowledgeId: shared.knowledgeId, decision: "published" }).catch(() => undefined));
  if (!curated) return say(`   (${shared.to}'s service did not record the submission in time; curate it with: npx schakel knowledge curate ${shared.knowledgeId} --as ${shared.to} --publish)`);
  say(`   ${shared.to} → all knowledge.curated: published to the library — npx schakel knowledge search --as gent --form far-right`);
}

/** Mechelen confirms reading the first item of its newest digest. */
export async function confirmDigestItem(step: PartiesStep): Promise<void> {
  const { actors, say } = step;
  const mechelen = await actors.as("mechelen");
  const digest = await whenFound(step, async () => (await receivedDigests(mechelen)).find((d) => !d.routedBy));
  const item = digest?.items[0];
  if (!digest || !item) return say("   (mechelen's service has not recorded a digest yet)");
  const done = await confirmDigestRead(mechelen, { digestId: digest.digestId, updateIds: [item.updateId] });
  say(`   mechelen → ${done.sentTo.join(", ")} digest.read: "${item.title}" (${item.domain}, tier ${item.preventionTier ?? "—"}) — npx schakel policy status ${item.updateId} --as ${item.publishedBy}`);
}
