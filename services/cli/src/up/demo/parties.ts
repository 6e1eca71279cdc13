/**
 * The demo's steps played by the parties of the flows beyond the first round: a municipality
 * warning the municipalities near it (its neighbour and its province), and the prison service
 * announcing a detainee's release to the municipality of residence, its justice house and its
 * police zone, with the person's details sealed. Each function is one step of the scenario.
 */
import { SchakelError, type DataOf } from "@schakel/contracts";
import { acknowledgeNotice, postNotice } from "@schakel/organisation";
import type { Actors } from "./actors.ts";
import type { BusWatch } from "./watch.ts";

export interface PartiesStep {
  actors: Actors;
  watch: BusWatch;
  say: (line: string) => void;
  signal: AbortSignal;
}

const isReceipt = (type: "notice.delivered" | "notice.acknowledged", noticeId: string, org: string) => (i: { type: string; data?: unknown }) =>
  i.type === type && (i.data as DataOf<typeof type>).noticeId === noticeId && (i.data as DataOf<typeof type>).recipient === org;

/** Waits for what the feed should show; says so instead of failing the demo when it does not come. */
async function expect(step: PartiesStep, what: string, match: (i: { type: string; data?: unknown }) => boolean, timeoutMs = 15_000): Promise<boolean> {
  return step.watch.waitFor(what, match, timeoutMs, step.signal).then(() => true, (err: Error) => (step.say(`   (${what}: ${err.message})`), false));
}

/**
 * Mechelen warns the municipalities near it — its neighbour Willebroek and Antwerpen, in the same
 * province — about an event; both services confirm receipt and Willebroek acknowledges.
 */
export async function warnNearbyMunicipalities(step: PartiesStep): Promise<string> {
  const mechelen = await step.actors.as("mechelen");
  const notice = await postNotice(mechelen, {
    to: ["neighbours", "province:antwerpen"], category: "event-warning", ackBy: new Date(Date.now() + 3_600_000),
    title: "Tension expected around a demonstration on Saturday", preventionTier: "primary", extremismForms: ["far-right"],
    body: "A demonstration and a counter-demonstration are announced near the station on Saturday. Our police zone is preparing; please tell your local cell and watch for groups travelling on.",
  });
  step.say(`   mechelen addressed "neighbours" and "province:antwerpen": ${notice.copies.map((c) => c.audience).join(", ")}`);
  if (!(await expect(step, "willebroek's receipt", isReceipt("notice.delivered", notice.noticeId, "willebroek")))) return notice.noticeId;
  const willebroek = await step.actors.as("willebroek");
  // The service records the notice as it sends the receipt; acknowledging finds it in the feed otherwise.
  const done = await acknowledgeNotice(willebroek, { noticeId: notice.noticeId, by: "coordinating official", remark: "Local cell informed; our patrols know." });
  if (done.outcome === "unknown-notice") step.say(`   (willebroek: ${done.message})`);
  await expect(step, "willebroek's acknowledgement", isReceipt("notice.acknowledged", notice.noticeId, "willebroek"));
  return notice.noticeId;
}

/**
 * DG EPI announces a detainee's release to Mechelen (the municipality of residence), the justice
 * house and the police zone; the person's details are sealed, only Mechelen (and the members of its
 * LIVC-R named) can open them. The police zone's service acknowledges.
 */
export async function announceDetaineeRelease(step: PartiesStep): Promise<string> {
  const epi = await step.actors.as("fed-epi");
  const notice = await postNotice(epi, {
    to: ["mechelen", "jh-mechelen", "pz-mechelen-willebroek"], category: "detainee-release", ackBy: new Date(Date.now() + 3_600_000),
    title: "Release of a detainee residing in Mechelen", preventionTier: "tertiary",
    body: "A detainee followed for radicalisation is released at the end of the month and returns to Mechelen. The justice house follows the conditions; the details are sealed to the municipality of residence.",
    person: { residence: "mechelen", details: { name: "(demo) J. Doe", birthDate: "1999-04-12", releaseDate: "end of the month" } },
  }).catch((err: unknown) => {
    if (err instanceof SchakelError) step.say(`   (the release notice was not posted: ${err.message})`);
    throw err;
  });
  step.say(`   fed-epi → mechelen, jh-mechelen, pz-mechelen-willebroek notice.posted (detainee-release); the person's details are sealed on mechelen's copy, redacted on the others`);
  await expect(step, "the police zone's acknowledgement", isReceipt("notice.acknowledged", notice.noticeId, "pz-mechelen-willebroek"));
  return notice.noticeId;
}
