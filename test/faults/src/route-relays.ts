/**
 * Relays in the routes of a cluster, so that a test can partition one node from the others, as a
 * network split would, while every server keeps running: one relay per direction of every pair
 * of nodes (node i reaches node j only through relay i→j), built on the leaf cut-off's relay.
 *
 * Routes gossip: a node tells its peers the route address of every node it meets, and a peer that
 * has no route to that node yet dials it directly — around the relays, so a later cut would leave
 * that direct route standing. Every node therefore advertises a dead end as its route address
 * (as the leaf hub does for its leaf port): a gossiped route fails at once and only the configured
 * routes, through the relays, carry the cluster.
 */
import type { ClusterPlan, LinkSecret } from "@schakel/infra";
import { renderClusterBlock } from "@schakel/infra";
import { startDeadEnd, type DeadEnd } from "./dead-end.ts";
import { startLinkProxy, type LinkProxy } from "./link-proxy.ts";

export interface RouteRelays {
  /** The `cluster { }` block of node `index`: infra's, with routes through the relays and the dead end advertised. */
  clusterBlock(plan: ClusterPlan, index: number, secret: LinkSecret): string;
  /** Cuts every route between node `index` and the others (both directions); the others stay linked. */
  isolate(index: number): void;
  /** Restores every route. */
  heal(): void;
  close(): Promise<void>;
}

/** Starts the relays between the nodes listening for routes on `routePorts` (index-aligned with the plan). */
export async function startRouteRelays(routePorts: number[]): Promise<RouteRelays> {
  const relays: { from: number; to: number; proxy: LinkProxy }[] = [];
  let deadEnd: DeadEnd | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(relays.map((r) => r.proxy.close()));
    await deadEnd?.close();
  };
  try {
    deadEnd = await startDeadEnd();
    for (const from of routePorts.keys()) {
      for (const [to, port] of routePorts.entries()) if (from !== to) relays.push({ from, to, proxy: await startLinkProxy(port) });
    }
  } catch (err) {
    await close();
    throw err;
  }
  const advertise = deadEnd.address;
  return {
    clusterBlock(plan, index, secret) {
      // Node `index`'s view of the plan: every other node's route port is the relay towards it.
      const viaRelays: ClusterPlan = {
        ...plan,
        nodes: plan.nodes.map((node, j) => (j === index ? node : { ...node, routePort: relays.find((r) => r.from === index && r.to === j)!.proxy.port })),
      };
      const block = renderClusterBlock(viaRelays, index, secret);
      const withAdvertise = block.replace(/^( {2}listen: .*)$/m, `$1\n  advertise: ${JSON.stringify(advertise)}`);
      if (withAdvertise === block) throw new Error(`the cluster block of node ${index} has no listen line to advertise a dead end after`);
      return withAdvertise;
    },
    isolate(index) {
      for (const r of relays) if (r.from === index || r.to === index) r.proxy.cut();
    },
    heal() {
      for (const r of relays) r.proxy.restore();
    },
    close,
  };
}
