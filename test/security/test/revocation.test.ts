/**
 * Rotating and revoking a signing key, end to end on a running server: the key directory and the
 * server's accounts are regenerated, nats-server reloads on SIGHUP, receivers swap in the new
 * directory. A message signed with the revoked key — valid bytes, valid signature — is refused
 * after the revocation; messages stored before it stay verifiable; a backdated revocation also
 * refuses what was stored after the compromise.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { sampleData, STREAMS } from "@schakel/contracts";
import { connectBus, connectionFailure, decodeMessage, HEADERS, type Bus, type Consumption } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { activeUserKey, reloadServer, revokeSigningKey, rewriteServerConfig, rotateSigningKey, type Identities } from "@schakel/infra";
import { deadLetterFor, inject } from "../src/bus/dead-letters.ts";
import { notice } from "../src/bus/forge.ts";

const reloads = (s: SchakelServer): number => s.server.output().split("\n").filter((l) => l.includes("Reloaded server configuration")).length;

/** Applies new identities to the harness's running server: rewrite its accounts, SIGHUP, wait, swap the directory. */
async function apply(s: SchakelServer, ids: Identities): Promise<void> {
  const before = reloads(s);
  expect((await rewriteServerConfig(path.join(s.server.dir, "nats.conf"), s.registry, ids)).changed).toBe(true);
  reloadServer(s.server.pid);
  await waitFor(() => reloads(s) > before, { timeoutMs: 10_000, what: "nats-server to log the reload" });
  s.directory.replace(ids.directory);
}

async function refusedAtConnect(url: string, seed: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), reconnect: false });
    await nc.close();
    return false;
  } catch (err) {
    // By the error's class (nats.js's AuthorizationError), never by its text.
    return connectionFailure(err)?.kind === "credentials-refused";
  }
}

describe("revocation - a rotated or revoked key stops working everywhere", () => {
  let s: SchakelServer;
  let receiver: Bus;
  let consumption: Consumption;
  const handled: string[] = [];

  beforeAll(async () => {
    s = await startSchakelServer();
    receiver = await s.connectAs("mechelen");
    consumption = receiver.consume({ handlers: { "notice.posted": (d) => void handled.push(d.data.body) } });
  });
  afterAll(async () => {
    await consumption?.stop();
    await s?.cleanup();
  });

  it("revocation - after revoke and reload the old key is refused by the broker and its signatures by every receiver; the new key works; history still verifies", async () => {
    const oldBus = await s.connectAs("fed-ocam");
    const oldSeed = s.identities.organisations.get("fed-ocam")!.seed;
    const before = await oldBus.publish("notice.posted", { ...sampleData("notice.posted"), body: "before the revocation" }, { to: "mechelen" });
    await waitFor(() => handled.includes("before the revocation"), { what: "the message signed before revocation" });

    const ids = await revokeSigningKey(s.registry, s.dataDir, "fed-ocam");
    await apply(s, ids);

    // The broker: the old key can no longer connect, and its open connection is closed.
    await waitFor(() => refusedAtConnect(s.url, oldSeed), { timeoutMs: 5_000, what: "the reloaded server to refuse the old key" });
    await expect(oldBus.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" })).rejects.toThrow();

    // Every receiver: a message signed with the revoked key, stored now, is dead-lettered.
    const replay = notice(oldBus.identity, s.directory, "mechelen", "signed-with-revoked-key");
    await inject(await s.admin(), replay.subject, replay.body, replay.headers);
    const dl = await deadLetterFor(await s.jsm(), "signed-with-revoked-key");
    expect(dl.reason).toBe("revoked-key");
    expect(handled.some((b) => b.includes("signed-with-revoked-key"))).toBe(false);

    // The new key works at once.
    const fresh = await connectBus({ servers: s.url, credentials: ids.organisations.get("fed-ocam")!, directory: s.directory });
    await fresh.publish("notice.posted", { ...sampleData("notice.posted"), body: "after the rotation" }, { to: "mechelen" });
    await waitFor(() => handled.includes("after the rotation"), { what: "the message signed with the new key" });
    await fresh.close();

    // History: what the old key signed before the revocation still verifies.
    const stored = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: before.seq });
    const decoded = decodeMessage({ subject: stored!.subject, body: stored!.data, signature: stored!.header.get(HEADERS.signature), storedAt: stored!.time }, { directory: s.directory, skewMs: 300_000 });
    expect(decoded.ok).toBe(true);
  });

  it("revocation - a backdated revocation refuses what was stored after the compromise, not before", async () => {
    const bus = await connectBus({ servers: s.url, credentials: (await rotateSigningKey(s.registry, s.dataDir, "vpr").then(async (ids) => (await apply(s, ids), ids))).organisations.get("vpr")!, directory: s.directory });
    const early = await bus.publish("digest.published", sampleData("digest.published"), { to: "mechelen" });
    await new Promise((r) => setTimeout(r, 50));
    const compromisedAt = new Date();
    await new Promise((r) => setTimeout(r, 50));
    const late = await bus.publish("digest.published", sampleData("digest.published"), { to: "mechelen" });
    await bus.close();
    const ids = await revokeSigningKey(s.registry, s.dataDir, "vpr", { at: compromisedAt });
    await apply(s, ids);
    const verdict = async (seq: number) => {
      const m = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { seq });
      const d = decodeMessage({ subject: m!.subject, body: m!.data, signature: m!.header.get(HEADERS.signature), storedAt: m!.time }, { directory: s.directory, skewMs: 300_000, checkSkew: false });
      return d.ok ? "ok" : d.rejection.reason;
    };
    expect(await verdict(early.seq)).toBe("ok");
    expect(await verdict(late.seq)).toBe("revoked-key");
  });

  it("revocation - without a replacement the organisation is suspended (no broker user) until a rotation", async () => {
    const seed = (await rotateSigningKey(s.registry, s.dataDir, "vvsg").then(async (ids) => (await apply(s, ids), ids))).organisations.get("vvsg")!.seed;
    await waitFor(async () => !(await refusedAtConnect(s.url, seed)), { timeoutMs: 5_000, what: "vvsg's rotated key to be accepted" });
    const suspended = await revokeSigningKey(s.registry, s.dataDir, "vvsg", { replace: false });
    expect(activeUserKey(suspended, "vvsg")).toBeUndefined();
    await apply(s, suspended);
    await waitFor(() => refusedAtConnect(s.url, seed), { timeoutMs: 5_000, what: "the suspended organisation to be refused" });
    const back = await rotateSigningKey(s.registry, s.dataDir, "vvsg");
    await apply(s, back);
    await waitFor(async () => !(await refusedAtConnect(s.url, back.organisations.get("vvsg")!.seed)), { timeoutMs: 5_000, what: "the new key to be accepted" });
  });
});
