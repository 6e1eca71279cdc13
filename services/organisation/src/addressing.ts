/**
 * Who a message reaches. An audience is an organisation or a group (`all`, `local`, …); the key
 * directory says which organisations a group holds. A sender never owes or receives its own
 * message, even when it belongs to the group it addressed.
 */
import { SchakelError } from "@schakel/contracts";
import type { KeyDirectory } from "@schakel/contracts/bus";

/** Organisations an audience reaches, without the sender; sorted, no duplicates. */
export function recipientsOf(directory: KeyDirectory, audiences: string | readonly string[], sender?: string): string[] {
  const list = typeof audiences === "string" ? [audiences] : audiences;
  const ids = new Set<string>();
  for (const a of list) for (const o of directory.members(a)) if (o.id !== sender) ids.add(o.id);
  return [...ids].sort();
}

/** True when `org` is one of the organisations `envelope.audience` reaches and did not send it. */
export function isAddressedTo(directory: KeyDirectory, org: string, envelope: { audience: string; sender: string }): boolean {
  if (envelope.sender === org) return false;
  if (envelope.audience === org) return true;
  return directory.reaches(envelope.audience, org);
}

/** The platform organisation (role `platform`, the VPR in the demo registry). */
export function platformOf(directory: KeyDirectory): string {
  const platform = directory.organisations.find((o) => o.roles.includes("platform"));
  if (!platform) throw new SchakelError("unknown-organisation", "the key directory has no organisation with role \"platform\"; add one to the registry", {});
  return platform.id;
}

/** Municipalities (role `municipality`) among the organisations the given audiences reach. */
export function municipalitiesOf(directory: KeyDirectory, audiences: readonly string[]): string[] {
  return recipientsOf(directory, audiences).filter((id) => directory.require(id).roles.includes("municipality"));
}
