/**
 * The consumer gate is the second lock on consumer creation and deletion. A tenant's account
 * forwards all of its consumer creates and deletes to the gate (one import per verb), and the gate
 * checks each against the tenant's exact grants. The first lock is the tenant's user permissions,
 * which carry the same list. This test removes the first lock on purpose: antwerpen's user may
 * publish anything, as after an operator's mistake in a hand-edited config. Each attempt on
 * mechelen's consumers is then still refused, by the gate and by name, and mechelen's consumers stay
 * untouched. antwerpen's own feed slot still works, so the refusals come from the grants and not
 * from a gate that refuses everything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { audienceFilter, durableConsumersOf, feedConsumerName, inboxPrefix, JS_API, orgStateBucket, STREAMS } from "@schakel/contracts";
import { startServer, type NatsServer } from "@schakel/harness";
import { ensureIdentities, loadRegistry, provision, publicKeyOfSeed, renderAuthorization, startConsumerGate, type GateDecision, type Identities } from "@schakel/infra";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const A = "antwerpen";
const B = "mechelen";
const enc = new TextEncoder();
const dec = new TextDecoder();

describe("abuse - the consumer gate checks every create and delete against the tenant's grants", () => {
  const registry = loadRegistry();
  const victim = registry.organisations.find((o) => o.id === B)!;
  const victimInbox = durableConsumersOf(victim)[0]!;
  const decisions: GateDecision[] = [];
  let dir: string;
  let ids: Identities;
  let server: NatsServer;
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  let thief: NatsConnection;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "schakel-gate-grants-"));
    ids = await ensureIdentities(registry, dir);
    const config = renderAuthorization(registry, ids);
    const key = JSON.stringify(publicKeyOfSeed(ids.organisations.get(A)!.seed));
    // The first lock removed: antwerpen's user may publish anything (its account still imports only its own grants).
    const widened = config.replace(new RegExp(`\\{ nkey: ${key.replace(/[$]/g, "\\$&")}, permissions: \\{ publish: \\{[^}]*\\}`), `{ nkey: ${key}, permissions: { publish: { allow: [">"] }`);
    expect(widened).not.toBe(config);
    server = await startServer({ configText: widened });
    admin = await connect({ servers: server.url, authenticator: nkeyAuthenticator(enc.encode(ids.admin.seed)) });
    jsm = await jetstreamManager(admin);
    await provision(admin, jsm, registry);
    await startConsumerGate({ nc: admin, registry, onDecision: (d) => decisions.push(d) }).ready;
    thief = await connect({ servers: server.url, authenticator: nkeyAuthenticator(enc.encode(ids.organisations.get(A)!.seed)), inboxPrefix: inboxPrefix(A) });
  });
  afterAll(async () => {
    for (const nc of [thief, admin]) await nc?.close().catch(() => {});
    await server?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends a JetStream API request as the thief and returns the error description of the answer ("" when none). */
  async function attempt(subject: string, body: object | undefined): Promise<string> {
    const answer = await thief.request(subject, body ? JSON.stringify(body) : "", { timeout: 5_000 });
    const parsed = JSON.parse(dec.decode(answer.data)) as { error?: { description?: string } };
    return parsed.error?.description ?? "";
  }

  it("abuse - creating mechelen's feed slot on mechelen's audience, with permissions wide open, is refused by the gate as not granted", async () => {
    const name = feedConsumerName(B, 1);
    const filter = audienceFilter(B);
    const error = await attempt(JS_API.consumerCreateFiltered(STREAMS.coord.name, name, filter), { stream_name: STREAMS.coord.name, config: { name, filter_subject: filter, ack_policy: "explicit" } });
    expect(error).toMatch(new RegExp(`^consumer gate: .* is not granted to ${A}`));
    await expect(jsm.consumers.info(STREAMS.coord.name, name)).rejects.toThrow(/consumer not found/);
  });

  it("abuse - an unfiltered consumer on COORD, and a watch on mechelen's bucket, are refused by the gate as not granted", async () => {
    expect(await attempt(JS_API.consumerCreateNamed(STREAMS.coord.name, "stolen"), { stream_name: STREAMS.coord.name, config: { name: "stolen", ack_policy: "none" } }))
      .toMatch(/^consumer gate: .* is not granted/);
    const kv = JS_API.kvStream(orgStateBucket(B));
    expect(await attempt(JS_API.consumerCreateNamed(kv, "watch"), { stream_name: kv, config: { name: "watch", deliver_subject: `${inboxPrefix(A)}.w`, ack_policy: "none" } }))
      .toMatch(/^consumer gate: .* is not granted/);
    expect((await jsm.consumers.list(STREAMS.coord.name).next()).map((c) => c.name)).not.toContain("stolen");
  });

  it("abuse - deleting mechelen's inbox consumer, with permissions wide open, is refused by the gate and the consumer keeps its state", async () => {
    const before = await jsm.consumers.info(victimInbox.stream, victimInbox.name);
    const error = await attempt(JS_API.consumerDelete(victimInbox.stream, victimInbox.name), undefined);
    expect(error).toMatch(new RegExp(`^consumer gate: .* is not granted to ${A}`));
    const after = await jsm.consumers.info(victimInbox.stream, victimInbox.name);
    expect(after.created).toBe(before.created);
    expect(after.config.filter_subject).toBe(victimInbox.filter);
    expect(decisions.filter((d) => !d.allowed && d.tenant === A).map((d) => d.subject)).toContain(JS_API.consumerDelete(victimInbox.stream, victimInbox.name));
  });

  it("abuse - the control row: antwerpen's own feed slot is created and deleted through the same gate", async () => {
    const name = feedConsumerName(A, 1);
    const filter = audienceFilter(A);
    expect(await attempt(JS_API.consumerCreateFiltered(STREAMS.coord.name, name, filter), { stream_name: STREAMS.coord.name, config: { name, filter_subject: filter, ack_policy: "explicit" } })).toBe("");
    expect((await jsm.consumers.info(STREAMS.coord.name, name)).config.filter_subject).toBe(filter);
    expect(await attempt(JS_API.consumerDelete(STREAMS.coord.name, name), undefined)).toBe("");
    await expect(jsm.consumers.info(STREAMS.coord.name, name)).rejects.toThrow(/consumer not found/);
  });
});
