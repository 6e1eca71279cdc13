import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId, type DigestItem } from "@schakel/contracts";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import { confirmDigestRead, publishPolicyUpdate, receivedDigests } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { flemishService } from "@schakel/flemish";
import { addToWindow, digestWindows, openPlatformStores, type DigestState } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
const MUNICIPALITIES = ["antwerpen", "gent", "leuven", "mechelen", "vilvoorde", "willebroek"];
type DigestData = { digestId: string; municipality: string; items: { updateId: string; domain: string; publishedBy: string }[] };

describe("platform - digests of policy updates", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let flemish: ServiceHost;
  beforeAll(async () => {
    s = await startSchakelServer();
    local = await startService(localService, { orgs: ["mechelen", "gent"], dataDir: s.dataDir, server: s.url, logger: quiet("local") });
    flemish = await startService(flemishService, { orgs: ["vpr", "onderwijs", "welzijn"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100, digestWindowMs: 2_000 } });
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("platform - four updates from two domains within one window make ONE digest per municipality with all four", async () => {
    const onderwijs = flemish.bus("onderwijs");
    const welzijn = flemish.bus("welzijn");
    const updates = [
      await publishPolicyUpdate(onderwijs, { title: "Contact point for polarisation in schools", summary: "Each school gets a contact point.", concerns: ["local"], preventionTier: "primary" }),
      await publishPolicyUpdate(welzijn, { title: "Extra budget for youth work", summary: "Municipalities can apply until March.", concerns: MUNICIPALITIES }),
      await publishPolicyUpdate(onderwijs, { title: "Guide for dialogue in class", summary: "A guide for teachers on difficult conversations.", concerns: ["local"], link: "https://example.org/guide" }),
      await publishPolicyUpdate(welzijn, { title: "Re-integration support after detention", summary: "New support for families of detainees.", concerns: ["local"], preventionTier: "tertiary" }),
    ];
    expect(updates.every((u) => u.to === "vpr")).toBe(true);
    const jsm = await s.jsm();
    const digests = await waitFor(async () => {
      const d = await storedOfType<DigestData>(jsm, "digest.published", "vpr");
      return d.length >= MUNICIPALITIES.length ? d : undefined;
    }, { timeoutMs: 15_000, what: "a digest for every municipality" });
    expect(digests.map((d) => d.envelope.audience).sort()).toEqual(MUNICIPALITIES);
    const ids = updates.map((u) => u.updateId).sort();
    for (const d of digests) {
      expect(d.envelope.data.municipality).toBe(d.envelope.audience);
      expect(d.envelope.data.items.map((i) => i.updateId).sort()).toEqual(ids);
      expect(new Set(d.envelope.data.items.map((i) => i.publishedBy))).toEqual(new Set(["onderwijs", "welzijn"]));
    }
    const atMechelen = await waitFor(async () => (await receivedDigests(local.bus("mechelen"))).find((x) => x.items.length === 4), { what: "the digest at mechelen" });
    expect(atMechelen.from).toBe("vpr");
    // Mechelen confirms reading it: the platform keeps that on the digest it published.
    await confirmDigestRead(local.bus("mechelen"), { digestId: atMechelen.digestId });
    const vprStores = await openPlatformStores(await s.connectAs("vpr"));
    const read = await waitFor(async () => (await digestWindows(vprStores)).find((w) => w.municipality === "mechelen")?.published.find((p) => p.digestId === atMechelen.digestId && p.readItems > 0), { what: "mechelen's read at the platform" });
    expect(read).toMatchObject({ items: 4, readItems: 4, lastReadAt: expect.any(String) });
    expect((await digestWindows(vprStores)).find((w) => w.municipality === "gent")?.published[0]).toMatchObject({ readItems: 0, lastReadAt: null });

    // The next update opens a new window: a second digest with that update only.
    const later = await publishPolicyUpdate(welzijn, { title: "Training for youth workers", summary: "Two sessions in spring.", concerns: ["gent"] });
    const second = await waitFor(async () => (await storedOfType<DigestData>(jsm, "digest.published", "vpr")).find((d) => d.envelope.data.items.some((i) => i.updateId === later.updateId)), { timeoutMs: 15_000, what: "the second digest for gent" });
    expect(second.envelope.audience).toBe("gent");
    expect(second.envelope.data.items).toHaveLength(1);
    expect((await storedOfType(jsm, "digest.published", "vpr")).length).toBe(MUNICIPALITIES.length + 1);
    const windows = await digestWindows(await openPlatformStores(await s.connectAs("vpr")));
    expect(windows.find((w) => w.municipality === "gent")?.published.map((p) => p.items)).toEqual([4, 1]);
  });

  it("platform - an update delivered twice is bundled once; an update after the window's end opens the next window", () => {
    const state: DigestState = { municipality: "mechelen", pending: [], bundled: [], published: [] };
    const item = (): DigestItem => ({ updateId: newMessageId(), domain: "jeugd", publishedBy: "jeugd", title: "Youth work update", summary: "Text." });
    const idOf = () => newMessageId();
    const a = item();
    const s1 = addToWindow(state, a, 1_000, 500, idOf)!;
    expect(addToWindow(s1, a, 1_100, 500, idOf)).toBeUndefined();
    const s2 = addToWindow(s1, item(), 1_600, 500, idOf)!;
    expect(s2.pending).toHaveLength(1);
    expect(s2.pending[0]!.items.map((i) => i.updateId)).toEqual([a.updateId]);
    expect(s2.open!.windowStart).toBe(new Date(1_600).toISOString());
    expect(addToWindow(s2, a, 1_700, 500, idOf)).toBeUndefined();
  });
});
