/**
 * Organisations joining and leaving the registry. One that leaves stays in the key directory with
 * the time it left and its keys revoked from then on: what it stored before still verifies, what
 * comes after does not, and it is no longer a member anybody can address. One that comes back
 * gets a new key. The server config says which accounts a change adds or removes (those need a
 * restart of nats-server 2.9, not a reload).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyDirectory } from "@schakel/contracts/bus";
import { accountNamesOf, renderAccounts } from "../src/accounts.ts";
import { generatedRegistry } from "../src/generated-registry.ts";
import { activeUserKey, ensureIdentities, rewriteServerConfig } from "../src/mod.ts";
import { ensureLeafSecrets, renderHubConfig } from "../src/leaf/mod.ts";

const everyone = generatedRegistry(15);
const leaving = everyone.organisations.find((o) => o.id === "jh-mechelen")!;
const without = { organisations: everyone.organisations.filter((o) => o.id !== leaving.id) };
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-membership-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("registry membership", () => {
  it("identities - an organisation that leaves stays in the directory with its keys revoked from then; one that returns gets a new key", async () => {
    const before = await ensureIdentities(everyone, dataDir, new Date("2026-12-01T10:00:00Z"));
    const key = activeUserKey(before, leaving.id)!;
    const leftAt = new Date("2026-12-02T10:00:00Z");
    const after = await ensureIdentities(without, dataDir, leftAt);

    const entry = after.directory.organisations.find((o) => o.id === leaving.id);
    expect(entry?.leftAt).toBe(leftAt.toISOString());
    expect(entry?.signingKeys).toEqual([expect.objectContaining({ key, revokedAt: leftAt.toISOString() })]);
    expect(after.organisations.has(leaving.id)).toBe(false);

    const directory = new KeyDirectory(after.directory);
    expect(directory.organisations.map((o) => o.id)).not.toContain(leaving.id);
    expect(directory.organisation(leaving.id)).toBeUndefined();
    expect(directory.isAudience(leaving.id)).toBe(false);
    // Who an audience reaches, asked per organisation, is what its member list says: never the one that left.
    for (const audience of ["all", "local", "flemish", "federal", "supralocal", leaving.id, ...everyone.organisations.map((o) => o.id), "nobody"]) {
      for (const o of everyone.organisations) {
        expect(directory.reaches(audience, o.id), `${audience} reaches ${o.id}`).toBe(directory.members(audience).some((m) => m.id === o.id));
      }
    }
    expect(directory.reaches("all", leaving.id) || directory.reaches(leaving.id, leaving.id)).toBe(false);
    expect(directory.reaches("local", "gemeente-0001")).toBe(true);
    expect(() => directory.require(leaving.id)).toThrow(`organisation "${leaving.id}" left the registry at ${leftAt.toISOString()}`);
    expect(directory.memberOrFormer(leaving.id)?.roles).toEqual(leaving.roles);
    expect(directory.checkSigningKey(leaving.id, key, new Date("2026-12-02T09:59:59Z")).ok).toBe(true);
    expect(directory.checkSigningKey(leaving.id, key, new Date("2026-12-02T10:00:01Z"))).toMatchObject({ ok: false, reason: "revoked-key" });

    // Leaving twice keeps the first time it left.
    const again = await ensureIdentities(without, dataDir, new Date("2026-12-03T10:00:00Z"));
    expect(again.directory.organisations.find((o) => o.id === leaving.id)?.leftAt).toBe(leftAt.toISOString());

    const back = await ensureIdentities(everyone, dataDir, new Date("2026-12-04T10:00:00Z"));
    const returned = back.directory.organisations.find((o) => o.id === leaving.id)!;
    expect(returned.leftAt).toBeUndefined();
    const newKey = activeUserKey(back, leaving.id)!;
    expect(newKey).not.toBe(key);
    expect(returned.signingKeys).toEqual([
      expect.objectContaining({ key, revokedAt: leftAt.toISOString() }),
      expect.objectContaining({ key: newKey, createdAt: "2026-12-04T10:00:00.000Z" }),
    ]);
    expect(new KeyDirectory(back.directory).organisation(leaving.id)?.id).toBe(leaving.id);
  });

  it("server config - the accounts a registry change adds and removes are named", async () => {
    const ids = await ensureIdentities(everyone, dataDir);
    const all = accountNamesOf(renderAccounts(everyone, ids));
    const fewer = accountNamesOf(renderAccounts(without, ids));
    expect(all.filter((a) => !fewer.includes(a))).toEqual([leaving.id]);
    expect(fewer.filter((a) => !all.includes(a))).toEqual([]);
    expect(all).toEqual(expect.arrayContaining(everyone.organisations.map((o) => o.id)));
  });

  it("server config - a hub's config loses the leaving organisation's account and keeps its leaves' links", async () => {
    const ids = await ensureIdentities(everyone, dataDir);
    const sites = [{ name: "site-a", organisations: ["gemeente-0001"] }];
    const secrets = await ensureLeafSecrets(dataDir, sites);
    const hub = renderHubConfig(everyone, ids, sites, secrets, { host: "127.0.0.1", port: -1, leafPort: -1, storeDir: join(dataDir, "hub-store") });
    const path = join(dataDir, "hub.conf");
    await writeFile(path, hub);
    const rewrite = await rewriteServerConfig(path, without, ids, { dataDir });
    expect(rewrite).toMatchObject({ kind: "hub", changed: true, accountsAdded: [], accountsRemoved: [leaving.id] });
    const after = await readFile(path, "utf8");
    expect(after).toContain(`{ user: "leaf-site-a--gemeente-0001", password: "${secrets.organisations.get("gemeente-0001")!.hash}"`);
    expect(after).toContain(`{ user: "leaf-site-a", password: "${secrets.sites.get("site-a")!.hash}"`);
  });
});
