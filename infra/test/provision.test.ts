/**
 * Provisioning many organisations: their objects made a few at a time, each organisation reported
 * once its own consumers and bucket exist, and a second run that finds everything in place (read
 * in paged lists) and makes only what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { durableConsumersOf, orgStateBucket, STREAMS } from "@schakel/contracts";
import { seedAuthenticator } from "@schakel/contracts/bus";
import { generatedRegistry } from "../src/generated-registry.ts";
import { ensureIdentities, provision, startEmbeddedServer, type EmbeddedServer } from "../src/mod.ts";

const registry = generatedRegistry(30);
let dataDir: string;
let server: EmbeddedServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-provision-"));
  const identities = await ensureIdentities(registry, dataDir);
  server = await startEmbeddedServer({ dataDir, registry, identities, port: 0 });
  nc = await connect({ servers: server.url, authenticator: seedAuthenticator(identities.admin.seed), noAsyncTraces: true });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop(1_000);
  await rm(dataDir, { recursive: true, force: true });
});

/** Whether every consumer and the bucket of `org` exist now (asked on the provisioning's own connection, so after its earlier requests). */
async function objectsOf(org: (typeof registry.organisations)[number]): Promise<boolean> {
  const consumers = await Promise.all(durableConsumersOf(org).map((c) => jsm.consumers.info(c.stream, c.name).then(() => true, () => false)));
  const bucket = await jsm.streams.info(`KV_${orgStateBucket(org.id)}`).then(() => true, () => false);
  return consumers.every(Boolean) && bucket;
}

describe("provisioning", () => {
  it("provision - every organisation is reported once, when its own consumers and bucket exist", async () => {
    const checks: Promise<[string, boolean]>[] = [];
    const results = await provision(nc, jsm, registry, {
      concurrency: 6,
      onOrganisation: (id) => checks.push(objectsOf(registry.organisations.find((o) => o.id === id)!).then((ok) => [id, ok])),
    });
    const reported = await Promise.all(checks);
    expect(reported.map(([id]) => id).sort()).toEqual(registry.organisations.map((o) => o.id).sort());
    expect(reported.filter(([, ok]) => !ok)).toEqual([]);
    expect(results.filter((r) => r.action !== "created")).toEqual([]);
    // The declared order: streams, then consumers, then buckets.
    const kinds = results.map((r) => r.kind);
    expect(kinds.indexOf("consumer")).toBeGreaterThan(kinds.lastIndexOf("stream"));
    expect(kinds.indexOf("bucket")).toBeGreaterThan(kinds.lastIndexOf("consumer"));
    expect(results.filter((r) => r.kind === "consumer")).toHaveLength(registry.organisations.flatMap(durableConsumersOf).length);
  });

  it("provision - a second run changes nothing, and makes again only what went missing", async () => {
    const again = await provision(nc, jsm, registry);
    expect(again.filter((r) => r.action !== "unchanged")).toEqual([]);

    const org = registry.organisations[7]!;
    const inbox = durableConsumersOf(org)[0]!;
    await jsm.consumers.delete(inbox.stream, inbox.name);
    await jsm.streams.delete(`KV_${orgStateBucket(org.id)}`);
    const repaired = await provision(nc, jsm, registry);
    expect(repaired.filter((r) => r.action !== "unchanged").map((r) => `${r.kind} ${r.name} ${r.action}`).sort())
      .toEqual([`bucket ${orgStateBucket(org.id)} created`, `consumer ${inbox.stream}/${inbox.name} created`].sort());
  });

  it("provision - a consumer whose config differs is reported as a conflict naming the field, and left as it is", async () => {
    const org = registry.organisations[3]!;
    const inbox = durableConsumersOf(org).find((c) => c.stream === STREAMS.coord.name)!;
    await jsm.consumers.update(inbox.stream, inbox.name, { max_ack_pending: 50 });
    const results = await provision(nc, jsm, registry);
    const conflict = results.find((r) => r.name === `${inbox.stream}/${inbox.name}`)!;
    expect(conflict.action).toBe("conflict");
    expect(conflict.differences.join("; ")).toMatch(/max_ack_pending: declared 1000, found 50/);
    expect((await jsm.consumers.info(inbox.stream, inbox.name)).config.max_ack_pending).toBe(50);
  });
});
