/**
 * `schakel identities rotate --config …` on a hub and its leaf, as an operator runs it: real
 * nats-servers from the generated configs (a hub, one leaf hosting antwerpen and mechelen), the
 * real `schakel` binary. Both configs are rewritten and both servers reloaded: mechelen's old key
 * is refused at its leaf and at the hub, its new key publishes through the leaf into COORD, and
 * every link stays up (the link secrets are kept). A set of configs of which one cannot be
 * rendered is left untouched, every file of it, and so is the key.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { LEAF, sampleData, senderFilter, type Registry } from "@schakel/contracts";
import { connectBus, KeyDirectory, seedAuthenticator, type OrgCredentials } from "@schakel/contracts/bus";
import { leafConnections, startSchakelLeaf, startSchakelServer, storedMessages, waitFor, type SchakelLeaf, type SchakelServer } from "@schakel/harness";
import { ensureIdentities, loadRegistry, publicKeyOfSeed, type LeafSite } from "@schakel/infra";
import { spawnCli } from "./support/run-cli.ts";

const SITE: LeafSite = { name: "local", organisations: ["antwerpen", "mechelen"] };
/** The hub counts the leaf's sourcing link and one link per hosted organisation. */
const LINKS = 1 + SITE.organisations.length;

let registry: Registry;
let s: SchakelServer;
let leaf: SchakelLeaf;
let hubConf: string;
let leafConf: string;

/** Whether `url` refuses `seed` at connect. */
const refused = async (url: string, seed: string): Promise<boolean> =>
  connect({ servers: url, authenticator: seedAuthenticator(seed), reconnect: false }).then(async (nc) => (await nc.close(), false), () => true);

beforeAll(async () => {
  registry = loadRegistry();
  s = await startSchakelServer({ registry, leaves: [SITE], server: { monitoring: true } });
  leaf = await startSchakelLeaf(s, SITE);
  hubConf = join(s.server.dir, "nats.conf");
  leafConf = join(leaf.server.dir, "nats.conf");
});
afterAll(async () => {
  await leaf?.cleanup();
  await s?.cleanup();
});

describe("identities --config on a hub and its leaf", () => {
  it("identities rotate --config - the hub's and the leaf's configs are rewritten and reloaded: the old key is refused at both, the new one publishes through the leaf, the links stay up", async () => {
    const old: OrgCredentials = s.identities.organisations.get("mechelen")!;
    expect(await refused(leaf.server.url, old.seed)).toBe(false);

    const r = await spawnCli(["--data", s.dataDir, "identities", "rotate", "mechelen", "--config", hubConf, leafConf, "--json"]).done;
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { activeKey: string; configs: { path: string; kind: string; changed: boolean; reloaded: number[] }[] };
    expect(out.configs.map(({ path, kind, changed, reloaded }) => ({ path, kind, changed, reloaded }))).toEqual([
      { path: hubConf, kind: "hub", changed: true, reloaded: [s.server.pid] },
      { path: leafConf, kind: "leaf", changed: true, reloaded: [leaf.server.pid] },
    ]);
    const ids = await ensureIdentities(registry, s.dataDir);
    const renewed = ids.organisations.get("mechelen")!;
    expect(publicKeyOfSeed(renewed.seed)).toBe(out.activeKey);
    expect(await readFile(leafConf, "utf8")).toContain(out.activeKey);
    expect(await readFile(hubConf, "utf8")).toContain(out.activeKey);

    await waitFor(async () => (await refused(leaf.server.url, old.seed)) && (await refused(s.url, old.seed)), { what: "the old key refused at the leaf and at the hub" });
    expect(await refused(leaf.server.url, renewed.seed)).toBe(false);
    expect(await leafConnections(s.server)).toBe(LINKS);

    const bus = await connectBus({ servers: leaf.server.url, credentials: renewed, directory: new KeyDirectory(ids.directory), jetStreamDomain: LEAF.hubDomain });
    try {
      const ack = await bus.publish("signal.raised", sampleData("signal.raised"), { to: "federal" });
      expect(ack.stream).toBe(LEAF.outboxStream);
    } finally {
      await bus.close();
    }
    await waitFor(async () => (await storedMessages(await s.jsm(), senderFilter("mechelen"))).length === 1, { what: "mechelen's signal sourced into COORD at the hub" });
    expect(await leafConnections(s.server)).toBe(LINKS);
  });

  it("identities rotate --config - a config that cannot be rendered (a leaf whose organisations all left) or is not there changes no file and no key, and says which", async () => {
    const stranger = join(s.server.dir, "leaf-elsewhere.conf");
    const leafText = await readFile(leafConf, "utf8");
    await writeFile(stranger, leafText.replaceAll('"antwerpen": {', '"gent-oud": {').replaceAll('"mechelen": {', '"mechelen-oud": {'));
    const hubBefore = await readFile(hubConf, "utf8");
    const keyBefore = publicKeyOfSeed((await ensureIdentities(registry, s.dataDir)).organisations.get("antwerpen")!.seed);
    const r = await spawnCli(["--data", s.dataDir, "identities", "rotate", "antwerpen", "--config", hubConf, stranger]).done;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/leaf local hosts no organisation of the registry any more \(it hosted gent-oud, mechelen-oud\)/);
    expect(await readFile(hubConf, "utf8")).toBe(hubBefore);
    expect(await readFile(leafConf, "utf8")).toBe(leafText);
    expect(publicKeyOfSeed((await ensureIdentities(registry, s.dataDir)).organisations.get("antwerpen")!.seed)).toBe(keyBefore);

    const missing = join(s.server.dir, "no-such.conf");
    const m = await spawnCli(["--data", s.dataDir, "identities", "rotate", "antwerpen", "--config", hubConf, missing]).done;
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`--config: no such file: ${missing}`);
    expect(await readFile(hubConf, "utf8")).toBe(hubBefore);
    expect(publicKeyOfSeed((await ensureIdentities(registry, s.dataDir)).organisations.get("antwerpen")!.seed)).toBe(keyBefore);
  });
});
