/**
 * Registry, identities and connections for fault scenarios that build their own topology
 * (cluster, hub and leaves) instead of `startSchakelServer()`: the same generated keys and
 * permissions, a temp data directory, and connections tracked for cleanup.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { inboxPrefix, type Registry } from "@schakel/contracts";
import { connectBus, KeyDirectory, type Bus, type ConnectOptions } from "@schakel/contracts/bus";
import { ensureIdentities, loadRegistry, type Identities } from "@schakel/infra";

export interface TestIdentities {
  registry: Registry;
  ids: Identities;
  dataDir: string;
  directory: KeyDirectory;
  /** A raw connection as the operator (provisioning); closed by cleanup(). */
  admin(servers: string | string[]): Promise<NatsConnection>;
  /** A bus client of `org`; closed by cleanup(). */
  bus(org: string, servers: string | string[], extra?: Partial<ConnectOptions>): Promise<Bus>;
  /**
   * A raw connection with `org`'s own nkey and inbox prefix, as a client that skips the bus would
   * have (for tests that probe what the broker lets an organisation do); closed by cleanup().
   */
  raw(org: string, servers: string | string[]): Promise<NatsConnection>;
  cleanup(): Promise<void>;
}

/** Generates identities for the demo registry in a fresh temp directory. */
export async function prepareIdentities(): Promise<TestIdentities> {
  const registry = loadRegistry();
  const dataDir = await mkdtemp(path.join(tmpdir(), "schakel-faults-"));
  const ids = await ensureIdentities(registry, dataDir);
  const directory = new KeyDirectory(ids.directory);
  const open: { close(): Promise<void> }[] = [];
  const credentialsOf = (org: string) => {
    const credentials = ids.organisations.get(org);
    if (!credentials) throw new Error(`no credentials for "${org}"`);
    return credentials;
  };
  return {
    registry, ids, dataDir, directory,
    async admin(servers) {
      const nc = await connect({ servers, authenticator: nkeyAuthenticator(new TextEncoder().encode(ids.admin.seed)), noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
      open.push({ close: () => nc.close() });
      return nc;
    },
    async raw(org, servers) {
      const seed = new TextEncoder().encode(credentialsOf(org).seed);
      const nc = await connect({ servers, authenticator: nkeyAuthenticator(seed), inboxPrefix: inboxPrefix(org), noAsyncTraces: true });
      open.push({ close: () => nc.close() });
      return nc;
    },
    async bus(org, servers, extra = {}) {
      const bus = await connectBus({ servers, credentials: credentialsOf(org), directory, ...extra });
      open.push({ close: () => bus.kill() });
      return bus;
    },
    async cleanup() {
      await Promise.allSettled(open.splice(0).map((c) => c.close()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
