/**
 * How far a municipality's notice may reach: a municipality warns the municipalities that border
 * on it or lie in its province, not every organisation. The catalog names the roles so limited
 * (`nearbyOnly`); a sender holding another of the type's sender roles (a liaison, the platform,
 * the crisis centre) is not limited. The sending client and every receiver apply the same rule.
 */
import type { CatalogEntry } from "./catalog.ts";
import type { Organisation } from "./organisation.ts";

type Lookup = (id: string) => Organisation | undefined;

/** True when `target` is a municipality that borders on `sender` or lies in its province. */
function isNearby(sender: Organisation, target: Organisation | undefined): boolean {
  if (!target || target.id === sender.id || !target.roles.includes("municipality")) return false;
  return sender.neighbours?.includes(target.id) === true || (sender.province !== undefined && target.province === sender.province);
}

/**
 * Why `sender` may not address `audience` with a message of this catalog entry, or undefined when
 * it may. Only senders whose roles among the entry's `senders` are all in `nearbyOnly` are limited.
 */
export function nearbyAudienceIssue(entry: Pick<CatalogEntry, "senders" | "nearbyOnly">, sender: Organisation, audience: string, lookup: Lookup): string | undefined {
  const limited = entry.nearbyOnly;
  if (!limited?.length) return undefined;
  if (entry.senders.some((r) => sender.roles.includes(r) && !limited.includes(r))) return undefined;
  if (isNearby(sender, lookup(audience))) return undefined;
  const neighbours = sender.neighbours?.length ? sender.neighbours.join(", ") : "none listed";
  const province = sender.province ?? "none listed";
  return `"${sender.id}" posts as a ${limited.join("/")} and may address only the municipalities that border on it (${neighbours}) or lie in its province (${province}), not "${audience}"`;
}

/** The municipalities `sender` may address as a municipality: its neighbours and the municipalities of its province, sorted. */
export function nearbyMunicipalities(sender: Organisation, organisations: readonly Organisation[]): string[] {
  return organisations.filter((o) => isNearby(sender, o)).map((o) => o.id).sort();
}
