/**
 * What a console user may see follows the bus's own read rules for the organisation they view
 * as: the platform (role `platform`) reads everything that moves between the levels; any other
 * organisation sees what is addressed to it, its level or all (`coord.<org|level|all>.>`), the
 * case messages addressed to it (`case.<org>.>`), and what it sent itself.
 */
import { STREAMS } from "@schakel/contracts";
import { seesReceiptsOf } from "@schakel/organisation";
import type { KeyDirectory } from "@schakel/contracts/bus";
import type { EscalationState, NoticeState } from "./notice-book.ts";
import type { FlowRecord } from "./record.ts";

/** The organisation a user views the console as. */
export interface Viewpoint {
  org: string;
  level: string;
  name: string;
  /** Reads everything (the platform coordinator). */
  platform: boolean;
}

/** The viewpoint of an organisation; throws SchakelError naming it when it is unknown. */
export function viewpointOf(directory: KeyDirectory, org: string): Viewpoint {
  const entry = directory.require(org);
  return { org: entry.id, level: entry.level, name: entry.name, platform: entry.roles.includes("platform") };
}

/** Is the message readable by this viewpoint? */
export function canSee(v: Viewpoint, r: FlowRecord): boolean {
  if (v.platform || r.sender === v.org) return true;
  if (r.stream === STREAMS.case.name) return r.audience === v.org;
  return r.audience === v.org || r.audience === v.level || r.audience === "all";
}

/** Is the notice readable: the platform, its sender, or one of the organisations it was for. */
export function canSeeNotice(v: Viewpoint, n: NoticeState): boolean {
  return v.platform || n.sender === v.org || n.expected.includes(v.org);
}

/**
 * The recipients of a notice whose receipts this viewpoint may see: all of them for the
 * platform and the sender (the receipts are addressed to the sender), only its own row for a
 * recipient (another recipient's acknowledgement is not addressed to it).
 */
export function visibleRecipients(v: Viewpoint, n: NoticeState): string[] {
  return n.expected.filter((o) => seesReceiptsOf(v, n.sender, o));
}

/** An escalation is visible like the message that raised it: by its audience and its sender. */
export function canSeeEscalation(v: Viewpoint, e: EscalationState): boolean {
  return v.platform || e.raisedBy === v.org || e.audiences.some((a) => a === v.org || a === v.level || a === "all");
}
