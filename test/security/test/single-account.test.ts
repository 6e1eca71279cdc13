/**
 * Why Schakel gives each organisation its own account: the same per-user allow lists in one shared
 * account (the first design) let organisation A drain organisation B's durable inbox with nothing
 * but A's own grants, on nats-server 2.9.10. This test keeps that evidence: it builds the shared
 * account config, runs both attacks, and asserts they work there — the abuse matrix asserts they
 * fail in the real (per-account) config.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { inboxPrefix, JS_API, orgStateBucket, sampleData, STREAMS } from "@schakel/contracts";
import { connectBus, KeyDirectory } from "@schakel/contracts/bus";
import { startServer, waitFor, type NatsServer } from "@schakel/harness";
import { ensureIdentities, loadRegistry, organisationPermissions, provision, publicKeyOfSeed, renderPermissions, type Identities } from "@schakel/infra";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const A = "antwerpen";
const B = "mechelen";
const B_INBOX = `${B}--${B}`;

describe("isolation - why accounts: one shared account is not enough", () => {
  const registry = loadRegistry();
  let dir: string;
  let ids: Identities;
  let server: NatsServer;
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  const open: NatsConnection[] = [];
  const enc = new TextEncoder();

  const as = async (org: string): Promise<NatsConnection> => {
    const nc = await connect({ servers: server.url, authenticator: nkeyAuthenticator(enc.encode(ids.organisations.get(org)!.seed)), inboxPrefix: inboxPrefix(org) });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "schakel-single-"));
    ids = await ensureIdentities(registry, dir);
    const users = [`{ nkey: ${JSON.stringify(publicKeyOfSeed(ids.admin.seed))} }`,
      ...registry.organisations.map((o) => `{ nkey: ${JSON.stringify(publicKeyOfSeed(ids.organisations.get(o.id)!.seed))}, permissions: ${renderPermissions(organisationPermissions(o))} }`)];
    server = await startServer({ configText: `authorization {\n  users: [\n${users.join("\n")}\n  ]\n}` });
    admin = await connect({ servers: server.url, authenticator: nkeyAuthenticator(enc.encode(ids.admin.seed)) });
    jsm = await jetstreamManager(admin);
    await provision(admin, jsm, registry);
  });
  afterAll(async () => {
    for (const nc of [...open, admin]) await nc?.close().catch(() => {});
    await server?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function freshMessagesForB(n: number): Promise<void> {
    await jsm.consumers.delete(STREAMS.coord.name, B_INBOX).catch(() => {});
    await provision(admin, jsm, registry);
    const ocam = await connectBus({ servers: server.url, credentials: ids.organisations.get("fed-ocam")!, directory: new KeyDirectory(ids.directory) });
    for (let i = 0; i < n; i++) await ocam.publish("notice.posted", sampleData("notice.posted"), { to: B });
    await ocam.publish("notice.posted", sampleData("notice.posted"), { to: A });
    await ocam.close();
  }

  it("isolation - shared account: A's pull with a redirected reply makes B's inbox deliver into A's ack subject", async () => {
    await freshMessagesForB(3);
    const a = await as(A);
    a.publish(JS_API.consumerNext(STREAMS.coord.name, `${A}--${A}`), JSON.stringify({ batch: 1, expires: 500_000_000 }), { reply: JS_API.consumerNext(STREAMS.coord.name, B_INBOX) });
    await a.flush();
    const drained = await waitFor(async () => {
      const ci = await jsm.consumers.info(STREAMS.coord.name, B_INBOX);
      return ci.num_ack_pending > 0 ? ci.num_ack_pending : undefined;
    }, { timeoutMs: 5_000, what: "B's inbox to deliver somewhere B never asked for" });
    expect(drained).toBeGreaterThan(0);
  });

  it("isolation - shared account: a push consumer on A's own bucket, aimed at B's pull subject, drains B's inbox", async () => {
    await freshMessagesForB(3);
    const a = await as(A);
    const stream = JS_API.kvStream(orgStateBucket(A));
    await a.request(`$KV.${orgStateBucket(A)}.pull`, JSON.stringify({ batch: 100 }));
    const body = { stream_name: stream, config: { name: "drain", deliver_subject: JS_API.consumerNext(STREAMS.coord.name, B_INBOX), ack_policy: "explicit", deliver_policy: "all" } };
    const created = await a.request(JS_API.consumerCreateNamed(stream, "drain"), JSON.stringify(body));
    expect(created.string()).not.toContain("error");
    const drained = await waitFor(async () => {
      const ci = await jsm.consumers.info(STREAMS.coord.name, B_INBOX);
      return ci.num_ack_pending >= 3 ? ci.num_ack_pending : undefined;
    }, { timeoutMs: 5_000, what: "B's whole inbox delivered to A's consumer" });
    expect(drained).toBeGreaterThanOrEqual(3);
  });
});
