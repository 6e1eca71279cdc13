/**
 * Case content reaches only the members of the case's LIVC-R. The sending client checks its
 * recipients against the current composition (a non-member is bad input, named); every receiver
 * checks a case message's named organisations against the composition it names and any later one
 * in force when it was sent, and files a message naming a non-member as `not-a-member`.
 */
import { HandlerRefusal, type Delivery } from "@schakel/contracts/bus";
import { SchakelError } from "@schakel/contracts";
import { latestVersion } from "../livc/composition.ts";
import type { LivcComposition } from "../records.ts";
import type { OrgState } from "../state.ts";

type Version = LivcComposition["versions"][number];

/** A composition message may arrive after a case message that names it: try again this many times first. */
const WAIT_FOR_COMPOSITION_DELIVERIES = 4;

/** The composition version in force for `livc` as this organisation knows it; throws when it knows none. */
export async function currentComposition(state: OrgState, livc: string): Promise<Version> {
  const c = await state.livc.get(livc);
  if (!c) {
    throw new SchakelError("not-allowed", `"${state.org}" knows no composition of the LIVC-R of ${livc}: its municipality sets it ("schakel livc set"), and only its members receive it`, { livc });
  }
  return latestVersion(c.value);
}

/** Throws SchakelError("not-allowed") naming the first organisation that is not a member of `version`. */
export function requireMembers(livc: string, version: Version, orgs: readonly string[]): void {
  const outsider = orgs.find((org) => !version.members.some((m) => m.org === org));
  if (outsider) {
    throw new SchakelError(
      "not-allowed",
      `"${outsider}" is not a member of the LIVC-R of ${livc} (composition v${version.version}): case content may be shared only with its members; ask ${livc} to add it ("schakel livc set")`,
      { livc, recipient: outsider, compositionVersion: version.version },
    );
  }
}

/**
 * Checks that every organisation a case message names (its sender and recipients) is a member of
 * the LIVC-R composition it names, and of any later version in force at its time. A composition
 * this organisation has not received yet is waited for (the message is retried), then the message
 * is refused: only members receive a composition.
 */
export async function checkCaseMembers(state: OrgState, d: Delivery, livc: string, version: number, named: readonly string[]): Promise<void> {
  const c = (await state.livc.get(livc))?.value;
  const named_ = c?.versions.find((v) => v.version === version);
  if (!c || !named_) {
    const detail = `no composition v${version} of the LIVC-R of ${livc} has reached "${state.org}"`;
    if (d.deliveryCount < WAIT_FOR_COMPOSITION_DELIVERIES) throw new SchakelError("not-found", `${detail} yet; waiting for it`, { livc, version }, { retryable: true });
    throw new HandlerRefusal(`${d.type} ${d.envelope.id} from "${d.envelope.sender}": ${detail}: case messages go only to members of the composition they name`, { livc, version }, { reason: "not-a-member" });
  }
  const sentAt = Date.parse(d.envelope.time);
  const inForce = c.versions.filter((v) => v.version >= version && (v.version === version || Date.parse(v.effectiveFrom) <= sentAt));
  for (const v of inForce) {
    const outsider = named.find((org) => !v.members.some((m) => m.org === org));
    if (outsider) {
      throw new HandlerRefusal(
        `${d.type} ${d.envelope.id} from "${d.envelope.sender}" names "${outsider}", not a member of the LIVC-R of ${livc} (composition v${v.version}): case content goes only to its members`,
        { livc, outsider, version: v.version },
        { reason: "not-a-member" },
      );
    }
  }
}

/**
 * The organisations a case message shares content with besides its sender (whom the membership
 * check covers), and the composition it names; undefined for a message that names none (a
 * consultation of an earlier release, a hand-over to another LIVC-R, an erasure).
 */
function membershipOf(d: Delivery): { livc: string; version: number; named: string[] } | undefined {
  const data = d.data as Record<string, unknown>;
  if (typeof data.livc !== "string" || typeof data.compositionVersion !== "number") return undefined;
  const named = ((): string[] | undefined => {
    switch (d.type) {
      case "case.opened": case "case.plan.set": case "case.closed": case "case.corrected": return data.participants as string[];
      case "case.consultation.requested": return data.recipients as string[];
      case "case.consultation.responded": return [d.envelope.audience];
      case "case.task.reported": return [data.livc as string];
      case "case.key.requested": return [];
      case "case.key.granted": return [data.participant as string];
      default: return undefined;
    }
  })();
  return named ? { livc: data.livc, version: data.compositionVersion, named } : undefined;
}

/** Checks a case message's sender and the organisations it names against its LIVC-R (`checkCaseMembers`), as every receiver does. */
export async function checkCaseMessage(state: OrgState, d: Delivery): Promise<void> {
  const m = membershipOf(d);
  if (m) await checkCaseMembers(state, d, m.livc, m.version, [d.envelope.sender, ...m.named]);
}
