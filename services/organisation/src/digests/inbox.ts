/** The digest handlers of every organisation's inbox (see `inboxHandlers`). */
import type { Delivery, Handlers, KeyDirectory } from "@schakel/contracts/bus";
import type { Logger } from "@schakel/runtime";
import type { OrgState } from "../state.ts";
import { receiveDigestRead, receiveDigestRoute } from "../policy/uptake.ts";
import { receiveDigest, receiveRoutedItem } from "./received.ts";

/**
 * Digests from the platform (a municipality); confirmations of reading and routes of the items a
 * policy domain published (its uptake); items routed to a local partner by its municipality.
 */
export function digestHandlers(directory: KeyDirectory, state: OrgState, mine: (d: Delivery) => boolean, log: (d: Delivery) => Logger): Handlers {
  return {
    "digest.published": async (d) => {
      if (!mine(d)) return;
      await receiveDigest(state, d);
      log(d).info({ digestId: d.data.digestId, items: d.data.items.length }, "digest received");
    },
    "digest.read": async (d) => {
      if (!mine(d)) return;
      const kept = await receiveDigestRead(state, d);
      log(d).info({ digestId: d.data.digestId, municipality: d.data.municipality, items: d.data.items.length, kept }, "digest items read");
    },
    "digest.item.routed": async (d) => {
      if (!mine(d)) return;
      if (d.data.partner === state.org) {
        await receiveRoutedItem(state, d, directory);
        log(d).info({ routeId: d.data.routeId, municipality: d.data.municipality, updateId: d.data.item.updateId }, "digest item routed to us");
        return;
      }
      const kept = await receiveDigestRoute(state, d);
      log(d).info({ routeId: d.data.routeId, municipality: d.data.municipality, partner: d.data.partner, kept }, "digest item taken up by a local partner");
    },
  };
}
