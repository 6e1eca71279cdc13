/**
 * A leaf site of a Schakel bus for a test: a nats-server on random ports configured by infra's
 * leaf generators (the text an operator deploys), linked to a hub started with
 * `startSchakelServer({ leaves })`: its OUTBOX provisioned, the hub's streams sourcing it, and
 * every link up (the sourcing link and one per hosted organisation).
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { inboxPrefix, LEAF, leafDomain } from "@schakel/contracts";
import { connectBus, type Bus, type ConnectOptions } from "@schakel/contracts/bus";
import { provisionHubSources, provisionLeafOutbox, renderLeafAuthorization, renderLeafRemoteBlock, type LeafSite } from "@schakel/infra";
import { leafConnections } from "./leaf.ts";
import type { SchakelServer } from "./schakel.ts";
import { startServer, type NatsServer } from "./server.ts";
import { waitFor } from "./wait.ts";

export interface SchakelLeaf {
  site: LeafSite;
  server: NatsServer;
  /** A bus client of a hosted organisation at this leaf (JetStream at the hub's domain); closed by cleanup(). */
  connectAs(org: string, opts?: Partial<ConnectOptions>): Promise<Bus>;
  /** A raw connection with a hosted organisation's nkey and inbox prefix at this leaf; closed by cleanup(). */
  rawAs(org: string): Promise<NatsConnection>;
  /** Stops the leaf (once; later calls wait for the same stop). */
  cleanup(): Promise<void>;
}

const enc = new TextEncoder();

export interface SchakelLeafOptions {
  /**
   * The hosted organisations' users without any permissions, as an organisation that runs its own
   * leaf can configure it: then only the hub (its link user, account and imports) stands between
   * them and the bus.
   */
  openUsers?: boolean;
  /**
   * Changes the generated config before the leaf starts: the deployment an operator in control of
   * its leaf could make of it (another secret in a remote, no deny lists). Applied after `openUsers`.
   */
  alterConfig?: (config: LeafConfigText) => LeafConfigText;
  /**
   * How many of its links to wait for (default: all of them, 1 + its organisations); a leaf whose
   * links the hub must refuse waits for fewer. Its OUTBOX and the hub's sources are provisioned either way.
   */
  links?: number;
}

/** The two parts of a leaf's generated config: its `leafnodes { remotes }` block and its accounts. */
export interface LeafConfigText {
  remotes: string;
  accounts: string;
}

/** The generated leaf accounts with every hosted organisation's user stripped of its permissions. */
function withOpenUsers(accounts: string, site: LeafSite): string {
  const open = accounts.replace(/(\{ nkey: "[A-Z0-9]+"), permissions: \{.*\} \} \]$/gm, "$1 } ]");
  const stripped = (accounts.match(/permissions: /g) ?? []).length - (open.match(/permissions: /g) ?? []).length;
  if (stripped !== site.organisations.length) throw new Error(`expected to open ${site.organisations.length} user(s) in the leaf config, opened ${stripped}: the generated format changed`);
  return open;
}

/** Starts leaf `site` of `hub` and waits until all its links are up. */
export async function startSchakelLeaf(hub: SchakelServer, site: LeafSite, opts: SchakelLeafOptions = {}): Promise<SchakelLeaf> {
  const linked = hub.leafHub;
  if (!linked?.sites.some((s) => s.name === site.name)) throw new Error(`the hub was not started with leaf "${site.name}" (startSchakelServer({ leaves }))`);
  const accounts = renderLeafAuthorization(hub.registry, hub.identities, site);
  const generated: LeafConfigText = { remotes: renderLeafRemoteBlock([linked.url], site, linked.secrets), accounts: opts.openUsers ? withOpenUsers(accounts, site) : accounts };
  const config = opts.alterConfig ? opts.alterConfig(generated) : generated;
  const links = opts.links ?? 1 + site.organisations.length;
  const server = await startServer({
    jetstreamDomain: leafDomain(site.name), serverName: leafDomain(site.name), monitoring: true,
    configText: [config.remotes, config.accounts].join("\n"),
  });
  const open: { close(): Promise<void> }[] = [];
  let closing: Promise<void> | undefined;
  const cleanup = (): Promise<void> => (closing ??= (async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    await server.cleanup();
  })());
  const raw = async (seed: string, inbox?: string): Promise<NatsConnection> => {
    const nc = await connect({ servers: server.url, authenticator: nkeyAuthenticator(enc.encode(seed)), noAsyncTraces: true, ...(inbox ? { inboxPrefix: inbox } : {}) });
    open.push({ close: () => nc.close() });
    return nc;
  };
  try {
    await waitFor(async () => (await leafConnections(server)) === links, { timeoutMs: 15_000, intervalMs: 100, what: `${links} link(s) of leaf ${site.name}` });
    await provisionLeafOutbox(await jetstreamManager(await raw(hub.identities.admin.seed)), site);
    await provisionHubSources(await hub.jsm(), [site]);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const credentialsOf = (org: string) => {
    if (!site.organisations.includes(org)) throw new Error(`leaf "${site.name}" does not host "${org}"`);
    return hub.identities.organisations.get(org)!;
  };
  return {
    site, server,
    async connectAs(org, extra = {}) {
      const bus = await connectBus({ servers: server.url, credentials: credentialsOf(org), directory: hub.directory, jetStreamDomain: LEAF.hubDomain, ...extra });
      open.push({ close: () => bus.kill() });
      return bus;
    },
    rawAs: async (org) => raw(credentialsOf(org).seed, inboxPrefix(org)),
    cleanup,
  };
}
