/**
 * A hub and leaf nodes on loopback, configured by infra's leaf generators (the same text an
 * operator deploys), each leaf's link passing through a relay the test can cut.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { LEAF, leafDomain } from "@schakel/contracts";
import { leafConnections, startServer, waitFor, withFreePorts, type NatsServer } from "@schakel/harness";
import {
  ensureLeafSecrets, provision, provisionHubSources, provisionLeafOutbox, renderHubAuthorization, renderLeafAuthorization,
  renderLeafListenBlock, renderLeafRemoteBlock, type LeafSite,
} from "@schakel/infra";
import type { TestIdentities } from "./identities.ts";
import { startDeadEnd } from "./dead-end.ts";
import { startLinkProxy, type LinkProxy } from "./link-proxy.ts";

export interface LeafNodeHandle {
  site: LeafSite;
  server: NatsServer;
  link: LinkProxy;
}

export interface LeafTopology {
  hub: NatsServer;
  leaves: Map<string, LeafNodeHandle>;
  /** Wait until the hub counts the links of exactly these leaves (each: its sourcing link and one per hosted organisation). */
  waitForLinks(linked: readonly string[]): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Starts the hub, then one leaf per site, provisions all of them and waits for every link. The
 * hub advertises a dead end instead of its own leaf port, or a leaf would learn that port and
 * reconnect around its relay.
 */
export async function startLeafTopology(t: TestIdentities, sites: LeafSite[]): Promise<LeafTopology> {
  const secrets = await ensureLeafSecrets(t.dataDir, sites);
  const deadEnd = await startDeadEnd();
  // On a fresh leaf port again if another process took the reserved one before the hub bound it.
  const [hub, leafPort] = await withFreePorts(1, async ([port]) => [await startServer({
    jetstreamDomain: LEAF.hubDomain, serverName: LEAF.hubDomain, monitoring: true,
    configText: [renderLeafListenBlock("127.0.0.1", port!, { noAdvertise: true, advertise: deadEnd.address }), renderHubAuthorization(t.registry, t.ids, sites, secrets)].join("\n"),
  }), port!] as const).catch(async (err: unknown) => {
    await deadEnd.close();
    throw err;
  });
  const leaves = new Map<string, LeafNodeHandle>();
  const cleanup = async (): Promise<void> => {
    for (const l of leaves.values()) await l.link.close();
    await Promise.all([hub.cleanup(), ...[...leaves.values()].map((l) => l.server.cleanup())]);
    await deadEnd.close();
  };
  try {
    const hubJsm = await jetstreamManager(await t.admin(hub.url));
    await provision(await t.admin(hub.url), hubJsm, t.registry);
    for (const site of sites) {
      const link = await startLinkProxy(leafPort);
      const server = await startServer({
        jetstreamDomain: leafDomain(site.name), serverName: leafDomain(site.name), monitoring: true,
        configText: [renderLeafRemoteBlock([`nats-leaf://127.0.0.1:${link.port}`], site, secrets), renderLeafAuthorization(t.registry, t.ids, site)].join("\n"),
      });
      leaves.set(site.name, { site, server, link });
      await provisionLeafOutbox(await jetstreamManager(await t.admin(server.url)), site);
    }
    await provisionHubSources(hubJsm, sites);
  } catch (err) {
    await cleanup();
    throw err;
  }
  // Each leaf has a sourcing link and one link per organisation it hosts.
  const linksOf = (names: readonly string[]): number => sites.filter((site) => names.includes(site.name)).reduce((sum, site) => sum + 1 + site.organisations.length, 0);
  const waitForLinks = (linked: readonly string[]): Promise<void> =>
    waitFor(async () => (await leafConnections(hub)) === linksOf(linked), { timeoutMs: 15_000, intervalMs: 100, what: `the links of ${linked.length ? linked.join(", ") : "no leaf"} at the hub` }).then(() => undefined);
  await waitForLinks(sites.map((site) => site.name));
  return { hub, leaves, waitForLinks, cleanup };
}
