/**
 * A real, secured Schakel bus for a test: a nats-server on random ports configured from the
 * registry (nkey users with their generated permissions, no anonymous access), streams and
 * consumers provisioned by the admin identity, and helpers to connect as any organisation.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { inboxPrefix, LEAF, type Registry } from "@schakel/contracts";
import { Bus, connectBus, KeyDirectory, type ConnectOptions } from "@schakel/contracts/bus";
import {
  ensureIdentities, ensureLeafSecrets, loadRegistry, provision, renderAuthorization, renderHubAuthorization, renderLeafListenBlock, startConsumerGate,
  type Identities, type LeafSecrets, type LeafSite, type RetentionSettings,
} from "@schakel/infra";
import { withFreePorts } from "./free-port.ts";
import { startServer, type NatsServer, type ServerOptions } from "./server.ts";

export interface SchakelServer extends AsyncDisposable {
  server: NatsServer;
  url: string;
  dataDir: string;
  registry: Registry;
  identities: Identities;
  directory: KeyDirectory;
  /** A bus client authenticated as `org`; closed by cleanup(). */
  connectAs(org: string, opts?: Partial<ConnectOptions>): Promise<Bus>;
  /** A raw connection as the admin (provisioning) identity; closed by cleanup(). */
  admin(): Promise<NatsConnection>;
  /**
   * A raw nats.js connection with an organisation's own nkey and the inbox prefix its bus uses:
   * for tests that go below the bus on purpose (abuse, hand-made messages, reading an inbox by
   * hand). A Bus never hands out its own connection. Closed by cleanup().
   */
  rawAs(org: string): Promise<NatsConnection>;
  jsm(): Promise<JetStreamManager>;
  /** When started with `leaves`: the hub's leaf URL and the links' secrets (see schakel-leaf.ts). */
  leafHub?: { url: string; sites: readonly LeafSite[]; secrets: LeafSecrets };
  cleanup(): Promise<void>;
}

export interface SchakelServerOptions {
  registry?: Registry;
  retention?: RetentionSettings;
  server?: Omit<ServerOptions, "configText">;
  /**
   * The durable consumers' `ack_wait` (default 30 s, as deployed): crash tests shorten it so a
   * message delivered to a killed reader comes back in seconds instead of half a minute.
   */
  ackWaitMs?: number;
  /**
   * Leaf sites the bus is a hub for: it runs JetStream domain `hub`, accepts their links (each
   * hosted organisation's into its own account) and `startSchakelLeaf` starts them.
   */
  leaves?: LeafSite[];
}

export async function startSchakelServer(opts: SchakelServerOptions = {}): Promise<SchakelServer> {
  const registry = opts.registry ?? loadRegistry();
  const dataDir = await mkdtemp(path.join(tmpdir(), "schakel-data-"));
  const identities = await ensureIdentities(registry, dataDir);
  const leaves = opts.leaves;
  const secrets = leaves ? await ensureLeafSecrets(dataDir, leaves) : undefined;
  // A hub names its leaf port in its config: on a fresh port again if another process took the reserved one.
  const [server, leafPort] = leaves && secrets
    ? await withFreePorts(1, async ([port]) => [await startServer({
      jetstreamDomain: LEAF.hubDomain, serverName: LEAF.hubDomain, ...opts.server,
      configText: [renderLeafListenBlock("127.0.0.1", port!), renderHubAuthorization(registry, identities, leaves, secrets)].join("\n"),
    }), port] as const)
    : [await startServer({ ...opts.server, configText: renderAuthorization(registry, identities) }), undefined];
  const directory = new KeyDirectory(identities.directory);
  const open: { close(): Promise<void> }[] = [];
  const enc = new TextEncoder();

  const raw = async (seed: string, inbox?: string, reconnectForever = false): Promise<NatsConnection> => {
    const nc = await connect({
      servers: server.url, authenticator: nkeyAuthenticator(enc.encode(seed)), noAsyncTraces: true, ...(inbox ? { inboxPrefix: inbox } : {}),
      ...(reconnectForever ? { maxReconnectAttempts: -1, reconnectTimeWait: 250 } : {}),
    });
    open.push({ close: () => nc.close() });
    return nc;
  };
  // The admin connection runs the consumer gate: like `schakel up`'s, it outlasts a server restart.
  const adminNc = await raw(identities.admin.seed, undefined, true);
  const jsm = await jetstreamManager(adminNc);
  await provision(adminNc, jsm, registry, {
    ...(opts.retention ? { retention: opts.retention } : {}), ...(opts.server?.maxPayload ? { maxMsgSize: opts.server.maxPayload } : {}),
    ...(opts.ackWaitMs ? { ackWaitMs: opts.ackWaitMs } : {}),
  });
  // Organisations create consumers (feed slots, KV watches) through the gate, as with `schakel up`.
  await startConsumerGate({ nc: adminNc, registry }).ready;

  const handle: SchakelServer = {
    server, url: server.url, dataDir, registry, identities, directory,
    ...(leaves && secrets ? { leafHub: { url: `nats-leaf://127.0.0.1:${leafPort}`, sites: leaves, secrets } } : {}),
    async connectAs(org, extra = {}) {
      const creds = identities.organisations.get(org);
      if (!creds) throw new Error(`no credentials for "${org}" in the test registry`);
      const bus = await connectBus({ servers: server.url, credentials: creds, directory, ...extra });
      open.push({ close: () => bus.kill() });
      return bus;
    },
    admin: async () => adminNc,
    async rawAs(org) {
      const creds = identities.organisations.get(org);
      if (!creds) throw new Error(`no credentials for "${org}"`);
      return raw(creds.seed, inboxPrefix(org));
    },
    jsm: async () => jsm,
    async cleanup() {
      await Promise.allSettled(open.map((c) => c.close()));
      await server.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]() {
      return this.cleanup();
    },
  };
  return handle;
}
