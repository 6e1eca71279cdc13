/**
 * A 3-node nats-server cluster configured by infra's cluster generator (authenticated routes,
 * the registry's accounts on every node), started through the harness on loopback, with the
 * streams provisioned at 3 replicas. Nodes can be killed with SIGKILL and restarted.
 */
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { fetchMonitor, startServer, waitFor, withFreePorts, type NatsServer } from "@schakel/harness";
import { CLUSTER_REPLICAS, ensureLinkSecret, provision, renderAuthorization, renderClusterBlock, ROUTE_USER, type ClusterPlan, type LinkSecret } from "@schakel/infra";
import type { TestIdentities } from "./identities.ts";
import { startRouteRelays, type RouteRelays } from "./route-relays.ts";

export interface SecuredCluster {
  servers: NatsServer[];
  names: string[];
  urls: string[];
  jsm: JetStreamManager;
  /** The relays in the routes, when started with `relayRoutes` (to partition a node). */
  routes?: RouteRelays;
  /** Index of the node leading `stream` (its replica group), per the stream info. */
  streamLeader(stream: string): Promise<number>;
  cleanup(): Promise<void>;
}

interface Jsz {
  meta_cluster?: { leader?: string; cluster_size?: number };
}

/**
 * Starts the cluster, waits for a meta leader agreed by all nodes and provisions R3 streams; on
 * fresh route ports again if another process took one between their reservation and the bind.
 */
export interface SecuredClusterOptions {
  /** Routes through relays a test can cut (route-relays.ts). */
  relayRoutes?: boolean;
  /**
   * Provision the consumers and buckets of these organisations only (default: the registry's);
   * the streams and the accounts stay the registry's. Fewer replica groups start in less time.
   */
  organisations?: readonly string[];
  /** The durable consumers' `ack_wait` (default as deployed, 30 s). */
  ackWaitMs?: number;
}

export async function startSecuredCluster(t: TestIdentities, name = "schakel-faults", opts: SecuredClusterOptions = {}): Promise<SecuredCluster> {
  const secret = await ensureLinkSecret(t.dataDir, ROUTE_USER);
  return withFreePorts(3, async (routePorts) => startOn(t, name, secret, routePorts, opts, opts.relayRoutes ? await startRouteRelays(routePorts) : undefined));
}

async function startOn(t: TestIdentities, name: string, secret: LinkSecret, routePorts: number[], opts: SecuredClusterOptions, routes: RouteRelays | undefined): Promise<SecuredCluster> {
  const plan: ClusterPlan = {
    name,
    nodes: routePorts.map((routePort, i) => ({ name: `${name}-${i + 1}`, host: "127.0.0.1", clientPort: -1, routePort, storeDir: "" })),
  };
  const clusterBlock = (i: number): string => (routes ? routes.clusterBlock(plan, i, secret) : renderClusterBlock(plan, i, secret));
  const started = await Promise.allSettled(plan.nodes.map((node, i) =>
    startServer({ serverName: node.name, monitoring: true, configText: [clusterBlock(i), renderAuthorization(t.registry, t.ids)].join("\n") })));
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const cleanup = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.cleanup()));
    await routes?.close();
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await cleanup();
    throw failed.reason;
  }
  const names = plan.nodes.map((n) => n.name);
  try {
    // A node that cannot bind its route port exits just after it reported ready: fail at once.
    const ready = await waitFor(async () => {
      if (servers.some((s) => !s.running)) return "exited";
      const views = await Promise.all(servers.map((s) => fetchMonitor<Jsz>(s.monitorUrl!, "/jsz")));
      const leaders = new Set(views.map((v) => v.meta_cluster?.leader));
      return leaders.size === 1 && !leaders.has(undefined) && !leaders.has("") && views.every((v) => v.meta_cluster?.cluster_size === 3);
    }, { timeoutMs: 30_000, intervalMs: 200, what: `a meta leader agreed by the 3 nodes of ${name}` });
    if (ready === "exited") throw new Error(`a node of ${name} exited during startup`);
    const urls = servers.map((s) => s.url);
    const admin = await t.admin(urls);
    const jsm = await jetstreamManager(admin);
    // Right after the election the meta layer may still refuse requests: retry until it accepts.
    const only = opts.organisations;
    const registry = only ? { ...t.registry, organisations: t.registry.organisations.filter((o) => only.includes(o.id)) } : t.registry;
    await waitFor(() => provision(admin, jsm, registry, { replicas: CLUSTER_REPLICAS, ...(opts.ackWaitMs ? { ackWaitMs: opts.ackWaitMs } : {}) }).then(() => true), { timeoutMs: 30_000, intervalMs: 500, what: "R3 provisioning" });
    return {
      servers, names, urls, jsm, ...(routes ? { routes } : {}),
      async streamLeader(stream) {
        const info = await jsm.streams.info(stream);
        const index = names.indexOf(info.cluster?.leader ?? "");
        if (index < 0) throw new Error(`stream ${stream} has no leader yet`);
        return index;
      },
      cleanup,
    };
  } catch (err) {
    await cleanup(); // waits for each process's last output lines
    const outputs = servers.map((s, i) => `--- ${names[i]} ---\n${s.output()}`).join("\n");
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${outputs}`, { cause: err });
  }
}
