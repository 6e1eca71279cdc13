/**
 * An N-node JetStream cluster of real nats-server processes on loopback.
 *
 * Route URLs must be written into every config before any node starts, so
 * cluster listen ports are reserved up front ({@link withFreePorts}: started
 * again on fresh ports if another process took one meanwhile); client
 * and monitoring ports stay random. Readiness means every node's `/jsz`
 * agrees on a meta leader and sees all N peers (nats-server 2.9 has no
 * client-free API for that besides the monitoring endpoint).
 */
import { withFreePorts } from "./free-port.ts";
import { fetchMonitor } from "./probe.ts";
import { startServer, type NatsServer, type ServerOptions } from "./server.ts";
import { waitFor } from "./wait.ts";

/** Options for {@link startCluster}. */
export interface ClusterOptions extends Omit<ServerOptions, "serverName" | "monitoring" | "port"> {
  /** Cluster name (default "schakel-test"); servers are named `<name>-<i>`. */
  name?: string;
  /** Timeout for the meta-leader election, in ms (default 20 000). */
  readyTimeoutMs?: number;
}

/** The meta leader as reported by `/jsz`. */
export interface MetaLeader {
  /** `server_name` of the leader. */
  name: string;
  /** Index into {@link NatsCluster.servers}. */
  index: number;
}

/** Handle on a cluster started by {@link startCluster}. */
export interface NatsCluster extends AsyncDisposable {
  readonly servers: readonly NatsServer[];
  /** Client URLs of all nodes (current ports; stable across restarts). */
  readonly urls: string[];
  /** Server names, index-aligned with `servers`. */
  readonly names: readonly string[];
  /** Stop node `i` (SIGKILL); its store and ports are kept for restart. */
  stop(i: number): Promise<void>;
  /** Restart node `i` on the same ports and store; waits for client readiness. */
  restart(i: number): Promise<void>;
  /** Current meta leader according to the first running node that knows one. */
  leader(): Promise<MetaLeader | undefined>;
  /** Wait until all running nodes agree on a meta leader and see every peer. */
  waitForLeader(timeoutMs?: number): Promise<MetaLeader>;
  /** Stop all nodes and delete their directories. */
  cleanup(): Promise<void>;
}

/** The parts of the `/jsz` response the harness relies on. */
interface Jsz {
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number };
}
interface Routez {
  num_routes?: number;
}

/**
 * Start `n` clustered JetStream servers (default 3) and wait until a meta
 * leader is elected. Each node gets its own temp dir and store, monitoring on
 * a random port, and routes to every other node.
 */
export function startCluster(n = 3, opts: ClusterOptions = {}): Promise<NatsCluster> {
  return withFreePorts(n, (routePorts) => startClusterOn(routePorts, opts));
}

async function startClusterOn(routePorts: number[], opts: ClusterOptions): Promise<NatsCluster> {
  const n = routePorts.length;
  const name = opts.name ?? "schakel-test";
  const names = routePorts.map((_, i) => `${name}-${i}`);
  const clusterBlock = (i: number): string => {
    const routes = routePorts.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p}"`);
    return `cluster {\n  name: ${JSON.stringify(name)}\n  listen: "127.0.0.1:${routePorts[i]}"\n  routes: [${routes.join(", ")}]\n}`;
  };
  // Start concurrently: each node retries its routes until the peers are up.
  const started = await Promise.allSettled(
    names.map((serverName, i) =>
      startServer({
        ...opts,
        serverName,
        monitoring: true,
        configText: [clusterBlock(i), opts.configText ?? ""].join("\n"),
      }),
    ),
  );
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) {
    await Promise.all(servers.map((s) => s.cleanup()));
    throw failure.reason;
  }

  // A stopped leader stays in its followers' /jsz until they time it out, so
  // only a leader that is itself running (and agrees) counts.
  const runningNames = (): Set<string> => new Set(names.filter((_, i) => servers[i]?.running));

  const leader = async (): Promise<MetaLeader | undefined> => {
    for (const s of servers) {
      if (!s.running || !s.monitorUrl) continue;
      const jsz = await fetchMonitor<Jsz>(s.monitorUrl, "/jsz").catch(() => undefined);
      const leaderName = jsz?.meta_cluster?.leader;
      if (leaderName && runningNames().has(leaderName)) return { name: leaderName, index: names.indexOf(leaderName) };
    }
    return undefined;
  };

  const agreedLeader = async (): Promise<MetaLeader | undefined> => {
    const up = servers.filter((s) => s.running);
    const views = await Promise.all(up.map((s) => fetchMonitor<Jsz>(s.monitorUrl ?? "", "/jsz")));
    const routes = await Promise.all(up.map((s) => fetchMonitor<Routez>(s.monitorUrl ?? "", "/routez")));
    const leaders = new Set(views.map((v) => v.meta_cluster?.leader));
    const [only] = leaders;
    const complete =
      views.every((v) => v.meta_cluster?.cluster_size === n) &&
      routes.every((r) => (r.num_routes ?? 0) >= up.length - 1);
    if (leaders.size !== 1 || !only || !complete || !runningNames().has(only)) return undefined;
    return { name: only, index: names.indexOf(only) };
  };

  const waitForLeader = (timeoutMs = opts.readyTimeoutMs ?? 20_000): Promise<MetaLeader> =>
    waitFor(agreedLeader, {
      timeoutMs,
      intervalMs: 200,
      what: `a JetStream meta leader agreed by all running nodes of cluster ${name}`,
    });

  const cleanup = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.cleanup()));
  };
  const at = (i: number): NatsServer => {
    const s = servers[i];
    if (!s) throw new RangeError(`cluster has ${servers.length} servers, no index ${i}`);
    return s;
  };

  try {
    // A node that cannot bind its route port exits just after it reported ready: fail at once.
    const ready = await waitFor(async () => (servers.some((s) => !s.running) ? "exited" : agreedLeader()), {
      timeoutMs: opts.readyTimeoutMs ?? 20_000, intervalMs: 200, what: `a JetStream meta leader agreed by all nodes of cluster ${name}`,
    });
    if (ready === "exited") throw new Error(`a node of cluster ${name} exited during startup`);
  } catch (err) {
    await cleanup(); // waits for each process's last output lines
    const outputs = servers.map((s, i) => `--- ${names[i]} ---\n${s.output()}`).join("\n");
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${outputs}`, { cause: err });
  }

  return {
    servers,
    names,
    get urls() {
      return servers.map((s) => s.url);
    },
    stop: (i) => at(i).stop(),
    restart: (i) => at(i).restart(),
    leader,
    waitForLeader,
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}
