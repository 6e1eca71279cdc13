/**
 * Policy updates bundled into digests, across processes (`schakel up` with every service, the
 * domains publishing through `schakel policy publish`): four updates from two domains within one
 * window reach each addressed municipality as ONE digest holding all four.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunningBus, stopRunningBus, dataOf, feedItems, Observer, schakelJson, sleep, type UpProcess } from "../src/mod.ts";

let dataDir: string;
let up: UpProcess;
let observer: Observer;
const WINDOW_S = 15;

beforeAll(async () => ({ dataDir, up, observer } = await startRunningBus("digest", ["--no-console", "--digest-window", `${WINDOW_S}s`])));
afterAll(() => stopRunningBus({ dataDir, up, observer }));

describe("e2e digests", () => {
  it("digest - four updates from two domains within a window reach each addressed municipality as ONE digest", async () => {
    const updates = [
      ["onderwijs", "Guide for dialogue on polarisation in class"], ["onderwijs", "Contact point for schools"],
      ["welzijn", "Support for families of returnees"], ["welzijn", "Extra staff for family support"],
    ] as const;
    const published = await Promise.all(updates.map(([as, title]) => schakelJson<{ updateId: string }>([
      "policy", "publish", "--data", dataDir, "--as", as, "--title", title, "--summary", `${title}: what changes for local governments.`, "--concerns", "antwerpen,mechelen",
    ])));
    const ids = published.map((p) => p.updateId).sort();
    const digestFor = (org: string) => (o: { type: string; envelope: { data: any } }) => o.type === "digest.published" && dataOf(o as never).municipality === org;
    for (const org of ["antwerpen", "mechelen"]) await observer.waitFor(`digest for ${org}`, digestFor(org), (WINDOW_S + 20) * 1000);
    await sleep(3_000); // a second digest for the same window would show up now
    for (const org of ["antwerpen", "mechelen"]) {
      const digests = observer.all(digestFor(org));
      expect(digests, `digests for ${org}`).toHaveLength(1);
      expect(digests[0]!.envelope.audience).toBe(org);
      expect(dataOf(digests[0]!).items.map((i: { updateId: string }) => i.updateId).sort()).toEqual(ids);
      expect(new Set(dataOf(digests[0]!).items.map((i: { domain: string }) => i.domain))).toEqual(new Set(["onderwijs", "welzijn"]));
    }
    expect(observer.all(digestFor("gent"))).toHaveLength(0);
    // The municipality reads its digest in its own feed.
    const seen = await feedItems(dataDir, "mechelen", ["--type", "digest.published"]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.data.items).toHaveLength(4);
  });

});
