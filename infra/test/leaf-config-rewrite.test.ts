/**
 * A key change rewrites a hub's and a leaf's config without the topology that made them: the
 * sites are read back from the config itself, the links keep their kept secrets, and the result
 * is exactly what rendering the whole config again with the new keys gives. A suspended
 * organisation keeps its place on its leaf, a leaf config of the previous release (no markers
 * around its accounts) is rewritten too, and a missing link secret changes nothing. A cluster's
 * node, with or without leaves, is rewritten as its own renderer would write it.
 */
import { chmod, mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACCOUNTS_BEGIN, ACCOUNTS_END } from "../src/accounts.ts";
import { generatedRegistry } from "../src/generated-registry.ts";
import { ensureIdentities, publicKeyOfSeed, revokeSigningKey, rewriteServerConfig, rotateSigningKey, type Identities } from "../src/mod.ts";
import { ensureLinkSecret, linkSecretPath } from "../src/cluster/link-secret.ts";
import { loopbackClusterPlan, renderClusterNodeConfig } from "../src/cluster/cluster-config.ts";
import { configKindOf, ensureLeafSecrets, hubSitesOf, leafSiteOf, renderHubAuthorization, renderHubConfig, renderLeafNodeConfig, type LeafSecrets, type LeafSite } from "../src/leaf/mod.ts";

const registry = generatedRegistry(15);
const SITES: LeafSite[] = [
  { name: "site-a", organisations: ["gemeente-0001", "gemeente-0002"] },
  { name: "site-b", organisations: ["jh-mechelen"] },
];
const HUB_OPTS = { host: "127.0.0.1", port: -1, leafPort: -1, storeDir: "/var/lib/schakel/hub" };
const leafOpts = (secrets: LeafSecrets) => ({ host: "127.0.0.1", port: -1, storeDir: "/var/lib/schakel/leaf", hubLeafUrls: ["nats-leaf://hub.example.be:7422"], secrets });

let dataDir: string;
let secrets: LeafSecrets;
let ids: Identities;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-leaf-rewrite-"));
  ids = await ensureIdentities(registry, dataDir);
  secrets = await ensureLeafSecrets(dataDir, SITES);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const keyOf = (i: Identities, org: string): string => publicKeyOfSeed(i.organisations.get(org)!.seed);

async function written(name: string, text: string, mode = 0o644): Promise<string> {
  const path = join(dataDir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe("rewriting a hub's and a leaf's config", () => {
  it("hub - a rotation gives exactly the config rendered again with the new key; the sites and link hashes are read back from it", async () => {
    const path = await written("hub.conf", renderHubConfig(registry, ids, SITES, secrets, HUB_OPTS));
    expect(configKindOf(await readFile(path, "utf8"))).toBe("hub");
    expect(hubSitesOf(await readFile(path, "utf8"), registry)).toEqual(SITES);
    const old = keyOf(ids, "gemeente-0001");
    const rotated = await rotateSigningKey(registry, dataDir, "gemeente-0001");
    const rewrite = await rewriteServerConfig(path, registry, rotated, { dataDir });
    expect(rewrite).toEqual({ kind: "hub", changed: true, accountsAdded: [], accountsRemoved: [] });
    const after = await readFile(path, "utf8");
    expect(after).toBe(renderHubConfig(registry, rotated, SITES, secrets, HUB_OPTS));
    expect(after).toContain(keyOf(rotated, "gemeente-0001"));
    expect(after).not.toContain(old);
  });

  it("hub - a suspended organisation's link is refused, and comes back on its leaf when it is rotated", async () => {
    const path = await written("hub.conf", renderHubConfig(registry, ids, SITES, secrets, HUB_OPTS));
    const link = `{ user: "leaf-site-a--gemeente-0002", password: "${secrets.organisations.get("gemeente-0002")!.hash}"`;
    const suspended = await revokeSigningKey(registry, dataDir, "gemeente-0002", { replace: false });
    await rewriteServerConfig(path, registry, suspended, { dataDir });
    expect(await readFile(path, "utf8")).not.toContain(link);
    expect(hubSitesOf(await readFile(path, "utf8"), registry)).toEqual(SITES);
    const back = await rotateSigningKey(registry, dataDir, "gemeente-0002");
    await rewriteServerConfig(path, registry, back, { dataDir });
    expect(await readFile(path, "utf8")).toContain(link);
    expect(await readFile(path, "utf8")).toBe(renderHubConfig(registry, back, SITES, secrets, HUB_OPTS));
  });

  it("leaf - a rotation gives the leaf's config rendered again, its passwords and its mode (0600) kept", async () => {
    const site = SITES[0]!;
    const path = await written("leaf-site-a.conf", renderLeafNodeConfig(registry, ids, site, leafOpts(secrets)), 0o600);
    expect(configKindOf(await readFile(path, "utf8"))).toBe("leaf");
    expect(leafSiteOf(await readFile(path, "utf8"), registry)).toEqual(site);
    const old = keyOf(ids, "gemeente-0002");
    const rotated = await rotateSigningKey(registry, dataDir, "gemeente-0002");
    expect(await rewriteServerConfig(path, registry, rotated)).toEqual({ kind: "leaf", changed: true, accountsAdded: [], accountsRemoved: [] });
    const after = await readFile(path, "utf8");
    expect(after).toBe(renderLeafNodeConfig(registry, rotated, site, leafOpts(secrets)));
    expect(after).not.toContain(old);
    expect(after).toContain(encodeURIComponent(secrets.organisations.get("gemeente-0002")!.password));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("leaf - the previous release's config (its accounts unmarked, at its end) is rewritten into the marked form", async () => {
    const site = SITES[1]!;
    const current = renderLeafNodeConfig(registry, ids, site, leafOpts(secrets));
    const previous = current.replace(`${ACCOUNTS_BEGIN}\n`, "").replace(`${ACCOUNTS_END}\n`, "");
    expect(previous).not.toContain(ACCOUNTS_BEGIN);
    const path = await written("leaf-site-b.conf", previous, 0o600);
    const rotated = await rotateSigningKey(registry, dataDir, "jh-mechelen");
    await rewriteServerConfig(path, registry, rotated);
    expect(await readFile(path, "utf8")).toBe(renderLeafNodeConfig(registry, rotated, site, leafOpts(secrets)));
  });

  it("cluster - a node's config, and a clustered hub's with its leaves' links, give exactly their renderers' text with the new key", async () => {
    const routeSecret = await ensureLinkSecret(dataDir, "route");
    const plain = loopbackClusterPlan(dataDir, 24222);
    const hub = loopbackClusterPlan(dataDir, 25222, { leaves: true });
    const hubOpts = (i: Identities) => ({ routeSecret, authorization: renderHubAuthorization(registry, i, SITES, secrets), jetStreamDomain: "hub" });
    const node = await written("node-2.conf", renderClusterNodeConfig(registry, ids, plain, 1, { routeSecret }));
    const hubNode = await written("hub-3.conf", renderClusterNodeConfig(registry, ids, hub, 2, hubOpts(ids)));
    expect([configKindOf(await readFile(node, "utf8")), configKindOf(await readFile(hubNode, "utf8"))]).toEqual(["node", "hub"]);
    const rotated = await rotateSigningKey(registry, dataDir, "jh-mechelen");
    expect((await rewriteServerConfig(node, registry, rotated, { dataDir })).kind).toBe("node");
    expect((await rewriteServerConfig(hubNode, registry, rotated, { dataDir })).kind).toBe("hub");
    expect(await readFile(node, "utf8")).toBe(renderClusterNodeConfig(registry, rotated, plain, 1, { routeSecret }));
    expect(await readFile(hubNode, "utf8")).toBe(renderClusterNodeConfig(registry, rotated, hub, 2, hubOpts(rotated)));
    expect(await readFile(hubNode, "utf8")).not.toContain(keyOf(ids, "jh-mechelen"));
  });

  it("hub - a link secret missing from the data folder is named, and the config stays as it was", async () => {
    const text = renderHubConfig(registry, ids, SITES, secrets, HUB_OPTS);
    const path = await written("hub.conf", text);
    await unlink(linkSecretPath(dataDir, "leaf-site-b--jh-mechelen"));
    const rotated = await rotateSigningKey(registry, dataDir, "gemeente-0001");
    await expect(rewriteServerConfig(path, registry, rotated, { dataDir })).rejects.toThrow(/link secret of "leaf-site-b--jh-mechelen" is not in .*--data/);
    await expect(rewriteServerConfig(path, registry, rotated)).rejects.toThrow(/is a hub's: its leaves' link secrets are needed/);
    expect(await readFile(path, "utf8")).toBe(text);
  });
});
