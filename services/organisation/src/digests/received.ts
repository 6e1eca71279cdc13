/** The bundled policy information a municipality received from the platform. */
import type { Bus, Delivery } from "@schakel/contracts/bus";
import { orgState, type OrgState } from "../state.ts";
import type { ReceivedDigest } from "../records.ts";

/** Digests received, newest window first. */
export async function receivedDigests(bus: Bus): Promise<ReceivedDigest[]> {
  return (await (await orgState(bus)).digests.list()).map((r) => r.value).sort((a, b) => b.windowEnd.localeCompare(a.windowEnd));
}

/** Records a digest addressed to this organisation (the first copy wins; safe to repeat). */
export async function receiveDigest(state: OrgState, d: Delivery<"digest.published">, now = new Date()): Promise<void> {
  const { data, envelope } = d;
  await state.digests.create(data.digestId, {
    digestId: data.digestId, from: envelope.sender, windowStart: data.windowStart, windowEnd: data.windowEnd, items: data.items,
    receivedAt: now.toISOString(), messageId: envelope.id,
  });
}
