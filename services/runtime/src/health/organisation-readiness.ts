/**
 * Whether one hosted organisation is ready, from the real objects: its bus connection (closed, or
 * lost and reconnecting: `watchReachability`), and the consumptions its service started through
 * `consumeWithLogs` — every consumer bound at the server, and the start-up backlog read once.
 * Per-organisation facts come from the organisation's own connection, never from a system account.
 */
import { watchReachability, type Bus, type Consumption, type ReachabilityWatch } from "@schakel/contracts/bus";
import { notReady, ready, type Readiness } from "./readiness.ts";

const consumptions = new WeakMap<Bus, Consumption[]>();

/** Remembers a consumption of `bus`, so its organisation's readiness can see its consumers. */
export function trackConsumption(bus: Bus, consumption: Consumption): void {
  const list = consumptions.get(bus) ?? [];
  list.push(consumption);
  consumptions.set(bus, list);
}

/** Follows one organisation's connection for its readiness; stop it before closing the bus. */
export function watchOrganisation(bus: Bus): ReachabilityWatch {
  return watchReachability(bus, {});
}

/** The organisation's readiness now: connected, consumers bound, start-up catch-up done. */
export function organisationReadiness(bus: Bus, reachability: Pick<ReachabilityWatch, "down">): Readiness {
  if (bus.isClosed) return notReady("its connection to the bus is closed");
  if (reachability.down) return notReady("not connected to the bus (reconnecting)");
  const bindings = (consumptions.get(bus) ?? []).flatMap((c) => c.bindings());
  const unbound = bindings.filter((b) => !b.bound).map((b) => b.name);
  if (unbound.length) return notReady(`consumers not bound yet: ${unbound.join(", ")}`);
  const behind = bindings.filter((b) => !b.caughtUp).map((b) => b.name);
  if (behind.length) return notReady(`catching up on its backlog: ${behind.join(", ")}`);
  return ready;
}
