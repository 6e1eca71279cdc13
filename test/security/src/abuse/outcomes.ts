/** Turning broker answers into table entries that are the same on every run. */
import type { Attempt, ReplyOutcome } from "./probe.ts";
import { jsError } from "./probe.ts";

/** Replaces ids and numbers, so a published table does not change between runs. */
export function stable(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\b\d+\b/g, "<n>")
    .replace(/\|/g, "/");
}

/** An API request's outcome: a violation, a gate or JetStream refusal, or an answer (allowed). */
export function apiOutcome(o: ReplyOutcome): Attempt {
  if (o.kind === "violation") return { denied: true, how: "Permissions Violation" };
  if (o.kind === "no-responders") return { denied: true, how: "no responders: not exported to the account" };
  if (o.kind === "timeout") return { denied: true, how: "no answer" };
  if (o.kind === "error") return { denied: true, how: stable(`error: ${o.message}`) };
  const err = jsError(o);
  if (err?.startsWith("consumer gate:")) return { denied: true, how: stable(`refused by the consumer gate (${err.slice("consumer gate: ".length)})`) };
  if (err) return { denied: true, how: stable(`JetStream refused: ${err}`) };
  return { denied: false, how: `answered (${o.data.length > 0 ? "data" : "empty"})` };
}

export const violation = (refused: boolean, what = "Permissions Violation"): Attempt =>
  refused ? { denied: true, how: what } : { denied: false, how: "the broker accepted it" };
