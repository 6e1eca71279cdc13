/**
 * A 3-node (or larger, odd) nats-server cluster generated from the registry: every node carries
 * the same authorization (the registry's nkey users with their generated permissions), routes to
 * every other node authenticated with the route secret, and JetStream; streams on it are
 * provisioned with 3 replicas so that an acknowledged write is held by a quorum of nodes.
 */
import { join } from "node:path";
import type { Registry } from "@schakel/contracts";
import type { Identities } from "../identities.ts";
import { renderAuthorization } from "../server-config.ts";
import type { LinkSecret } from "./link-secret.ts";
import { renderNodeConfig, type NodeConfigOptions } from "./node-config.ts";

/** One node of the cluster: where it listens and where it stores. */
export interface ClusterNode {
  name: string;
  host: string;
  clientPort: number;
  routePort: number;
  /** Port accepting leaf-node links, when this cluster is the hub of leaf nodes. */
  leafPort?: number;
  httpPort?: number;
  storeDir: string;
}

export interface ClusterPlan {
  /** Cluster name; every node must use the same. */
  name: string;
  nodes: ClusterNode[];
}

/** The user name of the route secret. */
export const ROUTE_USER = "route";

/** Replicas of every stream and bucket on a cluster: a write is acknowledged once 2 of 3 hold it. */
export const CLUSTER_REPLICAS = 3;

/**
 * Checks that a plan can form a JetStream cluster: an odd number of at least 3 nodes (a quorum
 * must survive one loss), distinct names, and no two listeners on the same host and port.
 *
 * @throws Error naming the offending node or port.
 */
export function checkClusterPlan(plan: ClusterPlan): void {
  const n = plan.nodes.length;
  if (n < 3 || n % 2 === 0) throw new Error(`cluster "${plan.name}" has ${n} nodes: use an odd number of at least 3 so a quorum survives the loss of a node`);
  const names = new Set(plan.nodes.map((node) => node.name));
  if (names.size !== n) throw new Error(`cluster "${plan.name}" repeats a node name: every node needs its own server_name`);
  const seen = new Map<string, string>();
  for (const node of plan.nodes) {
    for (const port of [node.clientPort, node.routePort, node.leafPort, node.httpPort]) {
      if (port === undefined || port <= 0) continue;
      const key = `${node.host}:${port}`;
      const other = seen.get(key);
      if (other) throw new Error(`nodes ${other} and ${node.name} both listen on ${key}`);
      seen.set(key, node.name);
    }
  }
}

/** The `cluster { }` block of node `index`: its route listener and authenticated routes to the others. */
export function renderClusterBlock(plan: ClusterPlan, index: number, secret: LinkSecret): string {
  const self = plan.nodes[index];
  if (!self) throw new RangeError(`cluster "${plan.name}" has no node ${index}`);
  const auth = `${encodeURIComponent(secret.user)}:${encodeURIComponent(secret.password)}`;
  const routes = plan.nodes
    .filter((_, i) => i !== index)
    .map((n) => `    ${JSON.stringify(`nats-route://${auth}@${n.host}:${n.routePort}`)}`);
  return [
    "cluster {",
    `  name: ${JSON.stringify(plan.name)}`,
    `  listen: ${JSON.stringify(`${self.host}:${self.routePort}`)}`,
    `  authorization { user: ${JSON.stringify(secret.user)}, password: ${JSON.stringify(secret.hash)} }`,
    `  routes: [\n${routes.join("\n")}\n  ]`,
    "}",
  ].join("\n");
}

/**
 * The `leafnodes { listen }` block of a hub node; leaf links authenticate as link users (leaf/).
 * With `noAdvertise` the hub does not tell leaves its other leaf URLs: use it when leaves reach
 * the hub through a proxy or a NAT, whose address is the only one that works for them.
 */
/**
 * The hub's leafnodes block. `advertise` is the address the hub tells its leaves to reconnect to
 * (nats-server 2.9 tells them its own listen address even with `no_advertise`).
 */
export function renderLeafListenBlock(host: string, port: number, opts: { noAdvertise?: boolean; advertise?: string } = {}): string {
  const lines = [`  listen: ${JSON.stringify(`${host}:${port}`)}`];
  if (opts.noAdvertise) lines.push("  no_advertise: true");
  if (opts.advertise) lines.push(`  advertise: ${JSON.stringify(opts.advertise)}`);
  return `leafnodes {\n${lines.join("\n")}\n}`;
}

export interface ClusterConfigOptions {
  routeSecret: LinkSecret;
  /** The authorization block when the cluster is a hub for leaves (`renderHubAuthorization`); default: the registry's accounts. */
  authorization?: string;
  jetStreamDomain?: string;
  syncAlways?: boolean;
  portsFileDir?: string;
  maxPayload?: number;
}

/** The complete config file of node `index`. */
export function renderClusterNodeConfig(registry: Registry, ids: Identities, plan: ClusterPlan, index: number, opts: ClusterConfigOptions): string {
  checkClusterPlan(plan);
  const node = plan.nodes[index]!;
  const frame: NodeConfigOptions = {
    serverName: node.name, host: node.host, port: node.clientPort, storeDir: node.storeDir,
    ...(node.httpPort !== undefined ? { httpPort: node.httpPort } : {}),
    ...(opts.jetStreamDomain ? { jetStreamDomain: opts.jetStreamDomain } : {}),
    ...(opts.syncAlways ? { syncAlways: true } : {}),
    ...(opts.portsFileDir ? { portsFileDir: opts.portsFileDir } : {}),
    ...(opts.maxPayload ? { maxPayload: opts.maxPayload } : {}),
  };
  return renderNodeConfig(frame, [
    renderClusterBlock(plan, index, opts.routeSecret),
    node.leafPort !== undefined ? renderLeafListenBlock(node.host, node.leafPort) : "",
    opts.authorization ?? renderAuthorization(registry, ids),
  ]);
}

/**
 * A plan for trying a cluster on one machine: `size` nodes on loopback, ports counted up from
 * `basePort` (node i: client basePort+i, routes basePort+100+i, leaf links basePort+200+i,
 * monitoring basePort+300+i), stores under `dataDir/cluster/<name>`.
 */
export function loopbackClusterPlan(dataDir: string, basePort: number, opts: { name?: string; size?: number; leaves?: boolean } = {}): ClusterPlan {
  const name = opts.name ?? "schakel";
  const nodes = Array.from({ length: opts.size ?? 3 }, (_, i): ClusterNode => ({
    name: `${name}-${i + 1}`,
    host: "127.0.0.1",
    clientPort: basePort + i,
    routePort: basePort + 100 + i,
    ...(opts.leaves ? { leafPort: basePort + 200 + i } : {}),
    httpPort: basePort + 300 + i,
    storeDir: join(dataDir, "cluster", `${name}-${i + 1}`),
  }));
  return { name, nodes };
}
