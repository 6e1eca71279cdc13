/**
 * `schakel notice post --to`: `neighbours` and `province:<province>` become the municipalities
 * they stand for, and a municipality addressing anyone else is a usage error (exit 2) naming `--to`
 * before anything is published. Checked against the registry's key directory; no server needed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyDirectory } from "@schakel/contracts/bus";
import { ensureIdentities, loadRegistry } from "@schakel/infra";
import { noticeAudiences } from "../src/commands/notice-audiences.ts";
import { usageMessage } from "./support/usage-error.ts";


describe("cli notice audiences", () => {
  let dir: string;
  let directory: KeyDirectory;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "schakel-notice-to-"));
    directory = new KeyDirectory((await ensureIdentities(loadRegistry(), dir)).directory);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("notice --to - neighbours and province:<p> expand to the municipalities near the sender", () => {
    expect(noticeAudiences(directory, "mechelen", "neighbours")).toEqual(["willebroek"]);
    expect(noticeAudiences(directory, "mechelen", "neighbours,province:antwerpen")).toEqual(["willebroek", "antwerpen"]);
    expect(noticeAudiences(directory, "vilvoorde", "province:vlaams-brabant")).toEqual(["leuven"]);
    // A liaison may address any province, and anything else besides.
    expect(noticeAudiences(directory, "nccn", "province:antwerpen,pz-antwerpen")).toEqual(["antwerpen", "mechelen", "willebroek", "pz-antwerpen"]);
  });

  it("notice --to - a municipality addressing beyond its neighbours and province, or an unknown word, is exit 2 naming --to", () => {
    expect(usageMessage(() => noticeAudiences(directory, "mechelen", "gent"))).toMatch(/^--to: "mechelen" posts as a municipality .* not "gent"; use --to neighbours or --to province:antwerpen$/);
    expect(usageMessage(() => noticeAudiences(directory, "mechelen", "province:oost-vlaanderen"))).toMatch(/not "gent"/);
    expect(usageMessage(() => noticeAudiences(directory, "mechelen", "all"))).toMatch(/not "all"/);
    expect(usageMessage(() => noticeAudiences(directory, "gent", "neighbours"))).toMatch(/^--to: "gent" has no neighbours in the registry/);
    expect(usageMessage(() => noticeAudiences(directory, "nccn", "province:brabant"))).toMatch(/^--to: unknown province "brabant" .*province:vlaams-brabant/);
    expect(usageMessage(() => noticeAudiences(directory, "nccn", "atlantis"))).toMatch(/^--to: unknown audience "atlantis"/);
  });
});
