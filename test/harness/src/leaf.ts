/**
 * Hub + leaf-node topologies. The hub's leafnode listen port is reserved up
 * front (see free-port.ts) so the leaf's `remotes` URL stays valid across
 * hub restarts; a link is "cut" by stopping the leaf and "restored" by
 * restarting it (same ports, same store).
 */
import { withFreePorts } from "./free-port.ts";
import { fetchMonitor } from "./probe.ts";
import { startServer, type NatsServer, type ServerOptions } from "./server.ts";
import { waitFor } from "./wait.ts";

/** A server accepting leaf-node connections; see {@link startLeafHub}. */
export interface LeafHub extends AsyncDisposable {
  readonly server: NatsServer;
  /** Port of the `leafnodes { listen }` block. */
  readonly leafPort: number;
  /** `nats-leaf://127.0.0.1:<leafPort>`, for a leaf's `remotes`. */
  readonly leafUrl: string;
  cleanup(): Promise<void>;
}

/** Options for {@link startLeafNode}. */
export interface LeafNodeOptions extends ServerOptions {
  /** Extra fields inside the remote entry, e.g. `account: "A"` or `credentials: "..."`. */
  remoteText?: string;
}

/**
 * Start a hub: a monitored server with `leafnodes { listen: 127.0.0.1:<free> }`
 * (started again on a fresh port if another process took that one meanwhile).
 * JetStream (if on) defaults to domain "hub" (the leaf's to "leaf"): without
 * domains nats-server just denies `$JS.API.>` across the link, with them
 * each side's JetStream stays reachable as `$JS.<domain>.API.>`.
 */
export function startLeafHub(opts: ServerOptions = {}): Promise<LeafHub> {
  return withFreePorts(1, async ([leafPort]) => {
    const server = await startServer({
      jetstreamDomain: "hub",
      monitoring: true,
      ...opts,
      configText: `leafnodes {\n  listen: "127.0.0.1:${leafPort}"\n}\n${opts.configText ?? ""}`,
    });
    const cleanup = (): Promise<void> => server.cleanup();
    return { server, leafPort: leafPort!, leafUrl: `nats-leaf://127.0.0.1:${leafPort}`, cleanup, [Symbol.asyncDispose]: cleanup };
  });
}

/**
 * Start a leaf node connected to `hubUrl` (a {@link LeafHub.leafUrl}). The
 * server is ready when it accepts clients, not when the link is up: use
 * {@link waitForLeafConnections} on either side for that.
 */
export function startLeafNode(hubUrl: string, opts: LeafNodeOptions = {}): Promise<NatsServer> {
  const { remoteText, ...rest } = opts;
  const remote = `{ url: ${JSON.stringify(hubUrl)}${remoteText ? `, ${remoteText}` : ""} }`;
  return startServer({
    jetstreamDomain: "leaf",
    monitoring: true,
    ...rest,
    configText: `leafnodes {\n  remotes: [ ${remote} ]\n}\n${rest.configText ?? ""}`,
  });
}

/** Number of leaf connections `/leafz` reports (needs monitoring). */
export async function leafConnections(server: NatsServer): Promise<number> {
  if (!server.monitorUrl) throw new Error("leafConnections needs a server started with monitoring: true");
  const leafz = await fetchMonitor<{ leafnodes?: number }>(server.monitorUrl, "/leafz");
  return leafz.leafnodes ?? 0;
}

/** Wait until `server` reports exactly `count` leaf connections (default 1). */
export async function waitForLeafConnections(server: NatsServer, count = 1, timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await leafConnections(server)) === count, {
    timeoutMs,
    intervalMs: 100,
    what: `${count} leaf connection(s) on ${server.url}`,
  });
}

/** A connected hub and leaf; see {@link startLeafPair}. */
export interface LeafPair extends AsyncDisposable {
  readonly hub: LeafHub;
  readonly leaf: NatsServer;
  /** Take the link down by stopping the leaf (SIGKILL); waits until the hub sees it gone. */
  cut(): Promise<void>;
  /** Restart the leaf on its old ports/store and wait until the link is back. */
  restore(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Start a hub and one leaf connected to it, and wait for the link. */
export async function startLeafPair(opts: { hub?: ServerOptions; leaf?: LeafNodeOptions } = {}): Promise<LeafPair> {
  const hub = await startLeafHub(opts.hub);
  let leaf: NatsServer | undefined;
  const cleanup = async (): Promise<void> => {
    await Promise.all([hub.cleanup(), leaf?.cleanup()]);
  };
  try {
    leaf = await startLeafNode(hub.leafUrl, opts.leaf);
    await waitForLeafConnections(hub.server, 1);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const node = leaf;
  return {
    hub,
    leaf: node,
    async cut() {
      await node.stop();
      await waitForLeafConnections(hub.server, 0);
    },
    async restore() {
      await node.restart();
      await waitForLeafConnections(hub.server, 1);
    },
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}
