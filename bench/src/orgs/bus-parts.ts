/**
 * The parts of a bus for one registry size, measured in this process on a fresh data folder:
 * identity generation, the server configuration (size, render), the embedded server's start
 * (render, write, load until it answers) and provisioning every stream, consumer and bucket.
 * The folder is made inside `parentDir` and left there: its caller deletes it once the scenario is
 * over (orgs.ts says why not before).
 */
import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { Registry } from "@schakel/contracts";
import { seedAuthenticator } from "@schakel/contracts/bus";
import { ensureIdentities, provision, renderServerConfig, startEmbeddedServer } from "@schakel/infra";

export interface BusParts {
  identitiesMs: number;
  configMB: number;
  renderMs: number;
  /** Spawn (after render and write) until the server answers INFO. */
  serverStartMs: number;
  provisionMs: number;
  /** Objects provisioned (streams, consumers, buckets). */
  objects: number;
}

const since = (t0: number): number => performance.now() - t0;

export async function measureBusParts(registry: Registry, parentDir: string): Promise<BusParts> {
  const dataDir = await mkdtemp(path.join(parentDir, "parts-"));
  let t0 = performance.now();
  const identities = await ensureIdentities(registry, dataDir);
  const identitiesMs = since(t0);
  t0 = performance.now();
  const config = renderServerConfig(registry, identities, { port: -1, storeDir: path.join(dataDir, "jetstream") });
  const renderMs = since(t0);
  t0 = performance.now();
  const server = await startEmbeddedServer({ dataDir, registry, identities, port: 0 });
  const serverStartMs = since(t0);
  try {
    const nc = await connect({ servers: server.url, authenticator: seedAuthenticator(identities.admin.seed), noAsyncTraces: true });
    try {
      t0 = performance.now();
      const results = await provision(nc, await jetstreamManager(nc), registry);
      return { identitiesMs, configMB: Buffer.byteLength(config) / 1e6, renderMs, serverStartMs, provisionMs: since(t0), objects: results.length };
    } finally {
      await nc.close();
    }
  } finally {
    await server.stop(2_000);
  }
}
