/**
 * Provisioning many organisations: their objects made a few at a time over several connections,
 * each organisation reported once its own consumers and bucket exist, a new `org-<id>` starting
 * with the case-state marker, and a second run that finds everything in place (read in paged
 * lists) and makes only what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { CASE_STATE_MOVED_KEY, caseStateBucket, durableConsumersOf, orgStateBucket, STREAMS } from "@schakel/contracts";
import { seedAuthenticator } from "@schakel/contracts/bus";
import { generatedRegistry } from "../src/generated-registry.ts";
import { DEFAULT_RETENTION, ensureIdentities, provision, startEmbeddedServer, type EmbeddedServer } from "../src/mod.ts";

const registry = generatedRegistry(30);
let dataDir: string;
let server: EmbeddedServer;
let nc: NatsConnection;
let helpers: NatsConnection[];
let jsm: JetStreamManager;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-provision-"));
  const identities = await ensureIdentities(registry, dataDir);
  server = await startEmbeddedServer({ dataDir, registry, identities, port: 0 });
  nc = await connect({ servers: server.url, authenticator: seedAuthenticator(identities.admin.seed), noAsyncTraces: true });
  jsm = await jetstreamManager(nc);
  helpers = await Promise.all([1, 2].map(() => connect({ servers: server.url, authenticator: seedAuthenticator(identities.admin.seed), noAsyncTraces: true })));
});
afterAll(async () => {
  await Promise.all((helpers ?? []).map((h) => h.close()));
  await nc?.close();
  await server?.stop(1_000);
  await rm(dataDir, { recursive: true, force: true });
});

/** Whether every consumer and both buckets of `org` exist now (the server answers a create once the object exists). */
async function objectsOf(org: (typeof registry.organisations)[number]): Promise<boolean> {
  const consumers = await Promise.all(durableConsumersOf(org).map((c) => jsm.consumers.info(c.stream, c.name).then(() => true, () => false)));
  const buckets = await Promise.all([orgStateBucket(org.id), caseStateBucket(org.id)].map((b) => jsm.streams.info(`KV_${b}`).then(() => true, () => false)));
  return consumers.every(Boolean) && buckets.every(Boolean);
}

describe("provisioning", () => {
  it("provision - every organisation is reported once, when its own consumers and bucket exist", async () => {
    const checks: Promise<[string, boolean]>[] = [];
    const results = await provision(nc, jsm, registry, {
      concurrency: 6,
      helpers,
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
    // Two buckets per organisation, whatever the registry's size.
    const orgBuckets = results.filter((r) => r.kind === "bucket" && registry.organisations.some((o) => [orgStateBucket(o.id), caseStateBucket(o.id)].includes(r.name)));
    expect(orgBuckets).toHaveLength(registry.organisations.length * 2);
  });

  it("provision - a new org bucket starts with the marker that its case records live in the case bucket", async () => {
    const kvm = new Kvm(nc);
    for (const org of [registry.organisations[0]!, registry.organisations[17]!]) {
      const own = await kvm.open(orgStateBucket(org.id));
      const marker = await own.get(CASE_STATE_MOVED_KEY);
      expect(marker?.operation).toBe("PUT");
      expect(JSON.parse(marker!.string())).toEqual({ createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      // Only the marker: nothing else was written.
      expect((await jsm.streams.info(`KV_${orgStateBucket(org.id)}`)).state.messages).toBe(1);
      // The case bucket is left empty.
      expect((await jsm.streams.info(`KV_${caseStateBucket(org.id)}`)).state.messages).toBe(0);
    }
  });

  it("provision - the case state bucket keeps a write as long as CASE keeps a case message; the organisation's own bucket without limit", async () => {
    const org = registry.organisations[5]!;
    const cases = await jsm.streams.info(`KV_${caseStateBucket(org.id)}`);
    expect(cases.config.max_age).toBe(DEFAULT_RETENTION.caseDays * 86_400e9);
    expect(cases.config.max_age).toBe((await jsm.streams.info(STREAMS.case.name)).config.max_age);
    expect(cases.config.max_msgs_per_subject).toBe(1);
    expect((await jsm.streams.info(`KV_${orgStateBucket(org.id)}`)).config.max_age).toBe(0);
  });

  it("provision - a case state bucket with another retention is a conflict naming max_age; with update it gets the declared one", async () => {
    const bucket = caseStateBucket(registry.organisations[9]!.id);
    const { config } = await jsm.streams.info(`KV_${bucket}`);
    await jsm.streams.update(config.name, { ...config, max_age: 3_600e9 });
    const conflict = (await provision(nc, jsm, registry)).find((r) => r.name === bucket)!;
    expect(conflict).toMatchObject({ kind: "bucket", action: "conflict" });
    expect(conflict.differences.join("; ")).toMatch(/max_age: declared 7776000000000000, found 3600000000000/);
    const updated = (await provision(nc, jsm, registry, { update: true })).find((r) => r.name === bucket)!;
    expect(updated.action).toBe("updated");
    expect((await jsm.streams.info(`KV_${bucket}`)).config.max_age).toBe(DEFAULT_RETENTION.caseDays * 86_400e9);
  });

  it("provision - a second run changes nothing, and makes again only what went missing", async () => {
    const again = await provision(nc, jsm, registry);
    expect(again.filter((r) => r.action !== "unchanged")).toEqual([]);
    // An existing bucket is never written: the marker only goes into a bucket this call created.
    expect((await jsm.streams.info(`KV_${orgStateBucket(registry.organisations[2]!.id)}`)).state.messages).toBe(1);

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

  it("provision - with update, a shorter case retention shortens the case state buckets and their duplicate window", async () => {
    const retention = { ...DEFAULT_RETENTION, caseDays: 30 / 86_400, duplicateWindowMinutes: 0.25 };
    const results = await provision(nc, jsm, registry, { update: true, retention });
    const bucket = caseStateBucket(registry.organisations[2]!.id);
    expect(results.find((r) => r.name === bucket)?.action).toBe("updated");
    const { config } = await jsm.streams.info(`KV_${bucket}`);
    expect([config.max_age, config.duplicate_window <= 30e9]).toEqual([30e9, true]);
    expect(results.find((r) => r.name === orgStateBucket(registry.organisations[2]!.id))?.action).toBe("unchanged");
  });
});
