/**
 * Try Schakel's multi-machine layouts on one machine, on loopback ports:
 *
 *   tsx infra/scripts/topology.ts cluster [options]   a 3-node cluster, streams with 3 replicas
 *   tsx infra/scripts/topology.ts leaves  [options]   a hub and one leaf node per level (or organisation)
 *
 * Every config is generated from the registry (the same functions a deployment uses) into
 * <data>/topology/, the servers are started, streams provisioned, and the addresses printed.
 * Ctrl-C stops them; the stores stay in <data> for the next run.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { LEAF, leafDomain, STREAMS } from "@schakel/contracts";
import {
  CLUSTER_REPLICAS, checkLeafSites, ensureIdentities, ensureLeafSecrets, ensureLinkSecret, leavesPerLevel, leavesPerOrganisation, loadRegistry,
  loopbackClusterPlan, provision, provisionHubSources, provisionLeafOutbox, renderClusterNodeConfig, renderHubAuthorization, renderLeafNodeConfig,
  renderHubConfig, ROUTE_USER, supportsSyncAlways, moveOutboxToItsAccount,
} from "../src/mod.ts";
import { findNatsServerBinary } from "../src/embedded/binary.ts";
import { natsServerVersion, startNode, stopNodes, type RunningNode } from "./processes.ts";

const HELP = `Run a Schakel cluster or hub + leaf nodes on this machine (loopback only).

Usage:
  tsx infra/scripts/topology.ts cluster [--data DIR] [--base-port N] [--registry FILE] [--check]
  tsx infra/scripts/topology.ts leaves  [--per level|organisation] [--hub single|cluster] [--data DIR] [--base-port N] [--registry FILE] [--check]

Ports (N = --base-port, default 14222; 4222 is left alone):
  cluster: clients N..N+2, routes N+100.., monitoring N+300..
  leaves:  hub clients N (cluster: N..N+2), leaf links N+200.., leaves' clients N+10.., monitoring N+300..
Options:
  --data DIR      identities, generated configs and stores (default ./.schakel-topology)
  --per           one leaf per level (default) or per organisation
  --hub           a single hub node (default) or a 3-node clustered hub
  --check         start, provision, verify, stop, and exit 0 (for tests)
  --help          this text
Services connected to a leaf use the hub's JetStream domain "${LEAF.hubDomain}".`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: "string", default: ".schakel-topology" }, "base-port": { type: "string", default: "14222" },
      registry: { type: "string" }, per: { type: "string", default: "level" }, hub: { type: "string", default: "single" },
      check: { type: "boolean", default: false }, help: { type: "boolean", default: false },
    },
  });
  const mode = positionals[0];
  if (values.help || (mode !== "cluster" && mode !== "leaves")) {
    console.log(HELP);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const base = Number(values["base-port"]);
  if (!Number.isInteger(base) || base < 1024 || base + 400 > 65535) throw new Error(`--base-port ${values["base-port"]} is not a port between 1024 and 65135`);
  const dataDir = path.resolve(values.data);
  const registry = loadRegistry(values.registry);
  const ids = await ensureIdentities(registry, dataDir);
  const bin = findNatsServerBinary();
  const version = natsServerVersion(bin);
  const syncAlways = supportsSyncAlways(version);
  const confDir = path.join(dataDir, "topology");
  await mkdir(confDir, { recursive: true });
  const nodes: RunningNode[] = [];
  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(confDir, `${name}.conf`);
    await writeFile(file, text, { mode: 0o600 });
    return file;
  };
  const admin = async (ports: number[]) => connect({ servers: ports.map((p) => `nats://127.0.0.1:${p}`), authenticator: nkeyAuthenticator(new TextEncoder().encode(ids.admin.seed)), maxReconnectAttempts: -1 });
  const retry = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i >= 60) throw new Error(`${what}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const stop = async (): Promise<void> => stopNodes(nodes);
  process.once("SIGINT", () => void stop().then(() => process.exit(0)));
  process.once("SIGTERM", () => void stop().then(() => process.exit(0)));
  try {
    const lines: string[] = [`nats-server ${version}; fsync on every write: ${syncAlways ? "yes (sync_interval: always)" : "no (2.9 flushes to the OS per write, fsyncs every 2 min)"}`];
    const clustered = mode === "cluster" || values.hub === "cluster";
    const sites = mode === "leaves" ? (values.per === "organisation" ? leavesPerOrganisation(registry) : leavesPerLevel(registry)) : [];
    checkLeafSites(registry, sites);
    const secrets = await ensureLeafSecrets(dataDir, sites);

    // The hub: a cluster (cluster mode, or --hub cluster) or a single node.
    const plan = loopbackClusterPlan(dataDir, base, { leaves: mode === "leaves", size: clustered ? 3 : 1 });
    const routeSecret = await ensureLinkSecret(dataDir, ROUTE_USER);
    const single = plan.nodes.length === 1;
    const hubOpts = { routeSecret, authorization: renderHubAuthorization(registry, ids, sites, secrets), syncAlways, ...(mode === "leaves" ? { jetStreamDomain: LEAF.hubDomain } : {}) };
    await Promise.all(plan.nodes.map(async (node, i) => {
      const text = single
        ? renderHubConfig(registry, ids, sites, secrets, { serverName: LEAF.hubDomain, host: node.host, port: node.clientPort, leafPort: node.leafPort!, storeDir: node.storeDir, httpPort: node.httpPort!, syncAlways })
        : renderClusterNodeConfig(registry, ids, plan, i, hubOpts);
      nodes.push(await startNode(bin, node.name, await write(node.name, text), node.clientPort));
    }));
    const hubPorts = plan.nodes.map((n) => n.clientPort);
    const hubAdmin = await admin(hubPorts);
    // A fresh cluster answers JetStream requests only once it has elected a meta leader.
    const hubJsm = await retry("waiting for the hub's JetStream", () => jetstreamManager(hubAdmin));
    await retry("provisioning the hub", () => provision(hubAdmin, hubJsm, registry, { replicas: single ? 1 : CLUSTER_REPLICAS }));
    lines.push(`${single ? "hub" : `cluster "${plan.name}"`}: ${plan.nodes.map((n) => `${n.name} nats://127.0.0.1:${n.clientPort} (monitoring http://127.0.0.1:${n.httpPort})`).join(", ")}`);

    for (const [i, site] of sites.entries()) {
      const port = base + 10 + i;
      const storeDir = path.join(dataDir, "leaves", site.name);
      const text = renderLeafNodeConfig(registry, ids, site, {
        host: "127.0.0.1", port, storeDir, httpPort: base + 310 + i, syncAlways,
        hubLeafUrls: plan.nodes.map((n) => `nats-leaf://127.0.0.1:${n.leafPort}`), secrets,
      });
      // A store the previous release left: its OUTBOX moves to its own account before the leaf starts.
      if ((await moveOutboxToItsAccount(storeDir)) === "moved") console.log(`leaf ${site.name}: OUTBOX moved to account "${LEAF.outboxAccount}" (store of the previous release)`);
      nodes.push(await startNode(bin, leafDomain(site.name), await write(leafDomain(site.name), text), port));
      const leafAdmin = await admin([port]);
      const leafJsm = await retry(`waiting for leaf ${site.name}'s JetStream`, () => jetstreamManager(leafAdmin));
      await retry(`provisioning leaf ${site.name}`, () => provisionLeafOutbox(leafJsm, site));
      await leafAdmin.close();
      lines.push(`leaf ${site.name}: nats://127.0.0.1:${port} for ${site.organisations.join(", ")}`);
    }
    if (sites.length) await retry("adding the leaf sources to the hub", () => provisionHubSources(hubJsm, sites));

    const coord = await retry("reading COORD", () => hubJsm.streams.info(STREAMS.coord.name));
    lines.push(`COORD: ${coord.config.num_replicas} replica(s)${coord.cluster?.leader ? `, leader ${coord.cluster.leader}` : ""}, ${coord.config.sources?.length ?? 0} leaf source(s)`);
    console.log(lines.join("\n"));
    await hubAdmin.close();
    if (values.check) {
      if ((coord.config.sources?.length ?? 0) !== sites.length) throw new Error(`COORD sources ${coord.config.sources?.length ?? 0} leaves, expected ${sites.length}`);
      await stop();
      return;
    }
    console.log(`configs in ${confDir}; Ctrl-C stops the servers`);
    console.log(`key changes: npx schakel identities rotate <org> --data ${dataDir} --config ${path.join(confDir, "*.conf")} (rewrites every config, reloads the servers)`);
    await new Promise(() => {});
  } catch (err) {
    await stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(`topology: ${(err as Error).message}`);
  process.exit(1);
});
