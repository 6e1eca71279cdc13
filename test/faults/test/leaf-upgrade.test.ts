/**
 * A leaf of the previous release upgraded in place to per-organisation leaf accounts: the
 * previous release kept every leaf user in nats-server's global account, so its OUTBOX was stored
 * under `$G`; this release keeps it in its own account. A leaf configured the previous way, cut
 * off from its hub, stores a municipality's signed publications; it is stopped, its store
 * upgraded (`moveOutboxToItsAccount`), and started with this release's config and links: the
 * OUTBOX is the same (messages, sequence numbers, message ids), and the hub receives every message
 * published before the upgrade once, and those published after it.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { JS_API, LEAF, leafDomain, ROOTS, sampleData, type Registry } from "@schakel/contracts";
import { connectBus, HEADERS, type Bus } from "@schakel/contracts/bus";
import { leafConnections, startSchakelServer, startServer, storedMessages, waitFor, type NatsServer, type SchakelServer } from "@schakel/harness";
import {
  moveOutboxToItsAccount, organisationPermissions, outboxFolder, provisionHubSources, provisionLeafOutbox, publicKeyOfSeed, renderLeafAuthorization,
  renderLeafRemoteBlock, renderPermissions, siteOrganisations, type Identities, type LeafSecrets, type LeafSite,
} from "@schakel/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeadEnd, type DeadEnd } from "../src/dead-end.ts";

const SITE: LeafSite = { name: "mechelen", organisations: ["mechelen"] };
const ORG = "mechelen";
const BEFORE = 5;
const q = (s: string): string => JSON.stringify(s);
const enc = new TextEncoder();

/**
 * The previous release's leaf config (its `renderLeafRemoteBlock` and `renderLeafAuthorization`):
 * one link, from the global account, and every user in the global account, each organisation with
 * its hub allow list whose JetStream API grants were moved to the hub's domain.
 */
function previousReleaseLeafConfig(registry: Registry, ids: Identities, site: LeafSite, hubLeafUrl: string, secrets: LeafSecrets): string {
  const secret = secrets.sites.get(site.name)!;
  const url = `nats-leaf://${encodeURIComponent(secret.user)}:${encodeURIComponent(secret.password)}@${new URL(hubLeafUrl).host}`;
  const denied = [`${ROOTS.coord}.>`, `${ROOTS.case}.>`, `${ROOTS.deadletter}.>`, `${ROOTS.reads}.>`, `${ROOTS.sandbox}.>`].map(q).join(", ");
  const localApi = `${JS_API.info.slice(0, -".INFO".length)}.`;
  const hubApi = `${JS_API.domainApi(LEAF.hubDomain)}.`;
  const users = [`    { nkey: ${q(publicKeyOfSeed(ids.admin.seed))} }`];
  for (const org of siteOrganisations(registry, site)) {
    const p = organisationPermissions(org);
    const permissions = { publish: { allow: p.publish.allow.map((s) => (s.startsWith(localApi) ? hubApi + s.slice(localApi.length) : s)) }, subscribe: { allow: p.subscribe.allow } };
    users.push(`    { nkey: ${q(publicKeyOfSeed(ids.organisations.get(org.id)!.seed))}, permissions: ${renderPermissions(permissions)} }`);
  }
  return [
    `leafnodes {\n  remotes: [\n    { urls: [${q(url)}], deny_exports: [${denied}], deny_imports: [${denied}] }\n  ]\n}`,
    `authorization {\n  users: [\n${users.join("\n")}\n  ]\n}\n`,
  ].join("\n");
}

/** The OUTBOX as stored: each sequence number with its message id. */
async function outboxContents(jsm: JetStreamManager): Promise<{ first: number; last: number; messages: number; ids: [number, string][] }> {
  const { state } = await jsm.streams.info(LEAF.outboxStream);
  const ids: [number, string][] = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(LEAF.outboxStream, { seq });
    ids.push([seq, m!.header.get(HEADERS.msgId)]);
  }
  return { first: state.first_seq, last: state.last_seq, messages: state.messages, ids };
}

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

describe("leaf upgrade", () => {
  let hub: SchakelServer;
  let deadEnd: DeadEnd;
  let storeDir: string;
  const servers: NatsServer[] = [];
  const open: { close(): Promise<void> }[] = [];

  const leafServer = async (configText: string): Promise<NatsServer> => {
    const server = await startServer({ jetstreamDomain: leafDomain(SITE.name), serverName: leafDomain(SITE.name), monitoring: true, storeDir, configText });
    servers.push(server);
    return server;
  };
  const adminAt = async (server: NatsServer): Promise<NatsConnection> => {
    const nc = await connect({ servers: server.url, authenticator: nkeyAuthenticator(enc.encode(hub.identities.admin.seed)), noAsyncTraces: true });
    open.push({ close: () => nc.close() });
    return nc;
  };
  const busAt = async (server: NatsServer): Promise<Bus> => {
    const bus = await connectBus({ servers: server.url, credentials: hub.identities.organisations.get(ORG)!, directory: hub.directory, jetStreamDomain: LEAF.hubDomain });
    open.push({ close: () => bus.kill() });
    return bus;
  };
  const publish = async (bus: Bus) => bus.publish("signal.raised", sampleData("signal.raised"), { to: "federal" });

  beforeAll(async () => {
    hub = await startSchakelServer({ leaves: [SITE] });
    deadEnd = await startDeadEnd();
    storeDir = await mkdtemp(path.join(tmpdir(), "schakel-leaf-store-"));
  });

  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    await Promise.allSettled(servers.map((s) => s.cleanup()));
    await deadEnd?.close();
    await hub?.cleanup();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  it("leaf upgrade - what a leaf of the previous release stored while cut off reaches the hub once after the upgrade, with its OUTBOX sequences unchanged", async () => {
    const linked = hub.leafHub!;
    // The previous release's leaf, its hub out of reach: publications wait in its OUTBOX.
    const previous = await leafServer(previousReleaseLeafConfig(hub.registry, hub.identities, SITE, `nats-leaf://${deadEnd.address}`, linked.secrets));
    expect(await provisionLeafOutbox(await jetstreamManager(await adminAt(previous)), SITE)).toBe("created");
    const before: string[] = [];
    const publisher = await busAt(previous);
    for (let i = 0; i < BEFORE; i++) {
      const ack = await publish(publisher);
      expect(ack.stream).toBe(LEAF.outboxStream);
      before.push(ack.id);
    }
    const stored = await outboxContents(await jetstreamManager(await adminAt(previous)));
    expect(stored.ids.map(([, id]) => id)).toEqual(before);
    await previous.stop({ signal: "SIGTERM" });
    expect(await exists(outboxFolder(storeDir, "$G"))).toBe(true);

    expect(await moveOutboxToItsAccount(storeDir)).toBe("moved");
    expect(await moveOutboxToItsAccount(storeDir)).toBe("nothing to move");

    // This release's leaf on the same store, linked to the hub.
    const upgraded = await leafServer([renderLeafRemoteBlock([linked.url], SITE, linked.secrets), renderLeafAuthorization(hub.registry, hub.identities, SITE)].join("\n"));
    await waitFor(async () => (await leafConnections(upgraded)) === 1 + SITE.organisations.length, { timeoutMs: 15_000, intervalMs: 100, what: `the links of leaf ${SITE.name}` });
    const leafJsm = await jetstreamManager(await adminAt(upgraded));
    expect(await outboxContents(leafJsm)).toEqual(stored);
    expect(await provisionLeafOutbox(leafJsm, SITE)).toBe("unchanged");
    await provisionHubSources(await hub.jsm(), [SITE]);

    const after = await publish(await busAt(upgraded));
    expect(after.stream).toBe(LEAF.outboxStream);
    expect(after.seq).toBe(stored.last + 1);

    const expected = [...before, after.id];
    const atHub = async (): Promise<string[]> => (await storedMessages(await hub.jsm(), `${ROOTS.coord}.>`)).map((m) => m.envelope.id);
    await waitFor(async () => {
      const ids = await atHub();
      return expected.every((id) => ids.includes(id));
    }, {
      timeoutMs: 15_000, intervalMs: 200, what: `the ${expected.length} publications in the hub's COORD`,
    });
    expect(await atHub()).toEqual(expected);
  });
});

describe("leaf upgrade - the store move", () => {
  const dirs: string[] = [];
  const freshStore = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), "schakel-leaf-store-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.allSettled(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("leaf upgrade - a new leaf's store has nothing to move", async () => {
    const store = await freshStore();
    expect(await moveOutboxToItsAccount(store)).toBe("nothing to move");
    expect(await exists(path.join(store, "jetstream"))).toBe(false);
  });

  it("leaf upgrade - a store holding an OUTBOX in both accounts is refused, naming both, and left as it is", async () => {
    const store = await freshStore();
    const previous = outboxFolder(store, "$G");
    const current = outboxFolder(store, LEAF.outboxAccount);
    await mkdir(previous, { recursive: true });
    await mkdir(current, { recursive: true });
    const err = await moveOutboxToItsAccount(store).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain(previous);
    expect(err?.message).toContain(current);
    expect(err?.message).toMatch(/stop the leaf/i);
    expect(await exists(previous)).toBe(true);
  });

  it("leaf upgrade - an encrypted OUTBOX is not moved (its key is derived from the account name)", async () => {
    const store = await freshStore();
    const previous = outboxFolder(store, "$G");
    await mkdir(previous, { recursive: true });
    await writeFile(path.join(previous, "meta.key"), "");
    await expect(moveOutboxToItsAccount(store)).rejects.toThrow(/encrypted/);
    expect(await exists(previous)).toBe(true);
    expect(await exists(outboxFolder(store, LEAF.outboxAccount))).toBe(false);
  });
});
