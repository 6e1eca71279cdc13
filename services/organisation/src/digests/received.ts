/** The bundled policy information a municipality received from the platform. */
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import type { ReceivedDigest } from "../records.ts";

/** Digests received, newest window first. */
export async function receivedDigests(bus: Bus): Promise<ReceivedDigest[]> {
  return (await (await orgState(bus)).digests.list()).map((r) => r.value).sort((a, b) => b.windowEnd.localeCompare(a.windowEnd));
}
