/**
 * The composition of a municipality's LIVC-R: set by the municipality itself (a signed
 * `livc.composition.set`, versioned), sent to every member, every organisation the new version
 * removes, the platform, and the organisations that post notices about persons (metadata: who
 * the members are, so a detainee-release notice's details can be sealed to them). Each
 * organisation keeps every version it received, so case messages can be checked against the
 * composition they name.
 */
import { catalog, personRolesFor, SchakelError, type Actor, type LivcMember, type PersonRole } from "@schakel/contracts";
import type { Bus, Delivery, KeyDirectory } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import type { LivcComposition } from "../records.ts";
import { orgState, type OrgState } from "../state.ts";

/** The roles a municipality's own persons take in its LIVC-R when it does not list itself. */
const CHAIR_ROLES: PersonRole[] = ["livc-coordinator", "livc-member"];

export interface SetCompositionInput {
  members: LivcMember[];
  effectiveFrom?: Date;
  actor?: Actor;
}

export interface SetComposition {
  municipality: string;
  version: number;
  members: LivcMember[];
  removed: string[];
  sentTo: string[];
}

/**
 * The organisations that may post notices (`notice.posted`'s senders: the liaisons and the
 * platform). A notice about a person is sealed to the municipality of residence and the members of
 * its LIVC-R, so they need the composition; a handful for the whole bus, whatever its size.
 */
export function noticeSenders(directory: KeyDirectory): string[] {
  const roles = catalog["notice.posted"].senders;
  return directory.organisations.filter((o) => o.roles.some((r) => roles.includes(r))).map((o) => o.id);
}

/** The latest version of a composition record. */
export const latestVersion = (c: LivcComposition): LivcComposition["versions"][number] =>
  c.versions.reduce((a, b) => (b.version > a.version ? b : a));

/**
 * Sets the LIVC-R composition of the bus's organisation (a municipality): the next version, sent to
 * the members, the organisations it removes, the platform and the notice senders. Throws SchakelError naming the
 * organisation for one that is unknown, or a person role its persons cannot hold.
 */
export async function setLivcComposition(bus: Bus, input: SetCompositionInput, now = new Date()): Promise<SetComposition> {
  const self = bus.directory.require(bus.org);
  if (!self.roles.includes("municipality")) {
    throw new SchakelError("not-allowed", `"${bus.org}" is not a municipality: only a municipality sets the composition of its LIVC-R`, { org: bus.org });
  }
  const members = input.members.some((m) => m.org === bus.org) ? input.members : [{ org: bus.org, roles: CHAIR_ROLES }, ...input.members];
  for (const m of members) {
    const entry = bus.directory.organisation(m.org);
    if (!entry) throw new SchakelError("unknown-organisation", `LIVC-R member "${m.org}" is not a known organisation (see "schakel orgs list")`, { member: m.org });
    const open = personRolesFor(entry.roles);
    const wrong = m.roles.find((r) => !open.includes(r));
    if (wrong) throw new SchakelError("not-allowed", `"${m.org}" has no persons in role ${wrong}: its persons can be ${open.join(", ")}`, { member: m.org, role: wrong });
  }
  const state = await orgState(bus);
  const previous = (await state.livc.get(bus.org))?.value;
  const last = previous ? latestVersion(previous) : undefined;
  const version = (last?.version ?? 0) + 1;
  const removed = (last?.members ?? []).map((m) => m.org).filter((org) => !members.some((m) => m.org === org));
  const data = { municipality: bus.org, version, members, removed, effectiveFrom: (input.effectiveFrom ?? now).toISOString() };
  const sentTo = [...new Set([...members.map((m) => m.org), ...removed, platformOf(bus.directory), ...noticeSenders(bus.directory)])];
  const opts = input.actor ? { actor: input.actor } : {};
  let messageId = "";
  for (const to of sentTo) {
    const ack = await bus.publish("livc.composition.set", data, { to, idempotencyKey: `livc|${bus.org}|v${version}`, ...opts });
    if (to === bus.org || !messageId) messageId = ack.id;
  }
  await recordVersion(state, { municipality: bus.org, version, members, effectiveFrom: data.effectiveFrom, messageId });
  return { municipality: bus.org, version, members, removed, sentTo };
}

async function recordVersion(state: OrgState, v: { municipality: string; version: number; members: LivcMember[]; effectiveFrom: string; messageId: string }): Promise<LivcComposition> {
  const { municipality, ...version } = v;
  const stored = await state.livc.mutate(municipality, (cur) => {
    if (cur?.versions.some((x) => x.version === v.version)) return undefined;
    const versions = [...(cur?.versions ?? []), version].sort((a, b) => a.version - b.version);
    return { municipality, versions };
  });
  return stored?.value ?? (await state.livc.get(municipality))!.value;
}

/** Records a composition addressed to this organisation (as member, removed member, platform or notice sender). */
export async function receiveLivcComposition(state: OrgState, d: Delivery<"livc.composition.set">): Promise<LivcComposition> {
  const { data, envelope } = d;
  return recordVersion(state, { municipality: data.municipality, version: data.version, members: data.members, effectiveFrom: data.effectiveFrom, messageId: envelope.id });
}

/** The compositions this organisation knows, or one municipality's. */
export async function livcCompositions(bus: Bus, municipality?: string): Promise<LivcComposition[]> {
  const state = await orgState(bus);
  if (municipality) {
    const one = await state.livc.get(municipality);
    return one ? [one.value] : [];
  }
  return (await state.livc.list()).map((s) => s.value);
}
