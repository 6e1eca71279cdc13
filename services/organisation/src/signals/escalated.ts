/** Signals the platform escalated to this federal liaison. */
import type { Bus } from "@schakel/contracts/bus";
import { orgState } from "../state.ts";
import type { SignalRecord } from "../records.ts";

/** Escalated signals received, newest first. */
export async function escalatedSignals(bus: Bus): Promise<SignalRecord[]> {
  const all = (await (await orgState(bus)).signals.list()).map((r) => r.value);
  return all.filter((s) => s.direction === "escalated-to-us").sort((a, b) => b.at.localeCompare(a.at));
}
