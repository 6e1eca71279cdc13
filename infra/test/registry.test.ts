/**
 * The registry: the demo file holds the parties the flows need (police zones, the crisis centre,
 * a justice house, the prison service, local partners) and each municipality's province and
 * neighbours; a registry or directory of the previous release (without those fields) still reads;
 * a cross-reference that does not hold is refused naming the organisation and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Directory, nearbyMunicipalities, SchakelError, type Organisation } from "@schakel/contracts";
import { generatedRegistry, loadRegistry } from "../src/mod.ts";

const dir = mkdtempSync(join(tmpdir(), "schakel-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The demo registry as the previous release shipped it: no province, neighbours or municipality. */
const PREVIOUS: Organisation[] = [
  { id: "antwerpen", name: "Stad Antwerpen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vpr", name: "Vlaams Platform Radicalisering", level: "flemish", roles: ["platform", "liaison"] },
  { id: "onderwijs", name: "Departement Onderwijs en Vorming", level: "flemish", roles: ["policy-domain"], domain: "onderwijs" },
  { id: "fed-ocam", name: "OCAM / CUTA (threat assessment)", level: "federal", roles: ["liaison"] },
  { id: "vvsg", name: "Vereniging van Vlaamse Steden en Gemeenten", level: "supralocal", roles: ["knowledge-partner"] },
];

function write(name: string, organisations: unknown[]): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ organisations }));
  return path;
}

/** The message of the error loading a registry with `organisations` throws (a `schema` SchakelError). */
function refusal(organisations: unknown[]): string {
  try {
    loadRegistry(write("bad", organisations));
  } catch (err) {
    expect(err).toBeInstanceOf(SchakelError);
    expect((err as SchakelError).code).toBe("schema");
    return (err as SchakelError).message;
  }
  throw new Error("expected the registry to be refused");
}

const municipality = (id: string, extra: Partial<Organisation> = {}): Organisation => ({ id, name: `Stad ${id}`, level: "local", roles: ["municipality", "livc-partner"], ...extra });

describe("registry", () => {
  it("registry - the demo registry holds the parties of the flows, with provinces and neighbours", () => {
    const registry = loadRegistry();
    const byId = new Map(registry.organisations.map((o) => [o.id, o]));
    expect(registry.organisations).toHaveLength(21);
    expect(byId.get("pz-mechelen-willebroek")).toMatchObject({ level: "local", roles: ["police-zone", "livc-partner"] });
    expect(byId.get("pz-antwerpen")).toMatchObject({ level: "local", roles: ["police-zone", "livc-partner"] });
    expect(byId.get("nccn")).toMatchObject({ level: "federal", roles: expect.arrayContaining(["crisis-centre"]) });
    expect(byId.get("jh-mechelen")).toMatchObject({ level: "flemish", roles: expect.arrayContaining(["justice-house"]) });
    expect(byId.get("fed-epi")).toMatchObject({ level: "federal", roles: expect.arrayContaining(["prison-service"]) });
    expect(byId.get("clb-mechelen")).toMatchObject({ level: "local", roles: ["local-partner"], municipality: "mechelen" });
    expect(byId.get("caw-mechelen")).toMatchObject({ level: "local", municipality: "mechelen" });
    for (const m of registry.organisations.filter((o) => o.roles.includes("municipality"))) expect(m.province, m.id).toBeDefined();
    // Real geography: of the demo municipalities only Mechelen and Willebroek border on each other.
    expect(nearbyMunicipalities(byId.get("mechelen")!, registry.organisations)).toEqual(["antwerpen", "willebroek"]);
    expect(nearbyMunicipalities(byId.get("vilvoorde")!, registry.organisations)).toEqual(["leuven"]);
    expect(nearbyMunicipalities(byId.get("gent")!, registry.organisations)).toEqual([]);
  });

  it("registry - a registry and a directory of the previous release, without the new fields, still read", () => {
    const registry = loadRegistry(write("previous", PREVIOUS));
    expect(registry.organisations.map((o) => o.id)).toEqual(PREVIOUS.map((o) => o.id));
    expect(registry.organisations[1]).toEqual(PREVIOUS[1]);
    const directory = Directory.parse({
      generatedAt: "2026-11-01T10:00:00.000Z",
      organisations: PREVIOUS.map((o) => ({
        ...o, signingKeys: [{ key: `U${"A".repeat(55)}`, createdAt: "2026-11-01T10:00:00.000Z" }], sealingKey: `X${"A".repeat(55)}`,
      })),
    });
    expect(directory.organisations.find((o) => o.id === "mechelen")).not.toHaveProperty("neighbours");
    // Without provinces and neighbours a municipality has no one nearby to warn.
    expect(nearbyMunicipalities(registry.organisations[1]!, registry.organisations)).toEqual([]);
  });

  it("registry - a local partner without its municipality, or naming one that does not exist, is refused naming it and the field", () => {
    const partner = { id: "clb-x", name: "CLB X", level: "local", roles: ["local-partner"] };
    expect(refusal([...PREVIOUS, partner])).toMatch(/organisations\.6\.municipality: "clb-x": a local partner names the municipality it works with/);
    expect(refusal([...PREVIOUS, { ...partner, municipality: "mechlen" }])).toMatch(/organisations\.6\.municipality: "clb-x": municipality "mechlen" is not a municipality in the registry/);
    expect(refusal([...PREVIOUS, { ...partner, municipality: "vpr" }])).toMatch(/"clb-x": municipality "vpr" is not a municipality/);
  });

  it("registry - every neighbour must be a municipality of the registry that lists it back", () => {
    expect(refusal([municipality("aa", { neighbours: ["zz"] }), municipality("bb")])).toMatch(/organisations\.0\.neighbours\.0: "aa": neighbour "zz" is not a municipality in the registry/);
    expect(refusal([municipality("aa", { neighbours: ["bb"] }), municipality("bb")])).toMatch(/organisations\.0\.neighbours\.0: "aa": neighbour "bb" does not list "aa" among its neighbours/);
    expect(refusal([municipality("aa", { neighbours: ["aa"] })])).toMatch(/"aa": a municipality is not its own neighbour/);
    expect(refusal([municipality("aa", { neighbours: ["bb"] }), { id: "bb", name: "Zone B", level: "local", roles: ["police-zone"], neighbours: ["aa"] }]))
      .toMatch(/organisations\.1\.neighbours: "bb": only a municipality has neighbours/);
    expect(refusal([municipality("aa", { province: "brabant" as never })])).toMatch(/organisations\.0\.province/);
    expect(loadRegistry(write("pair", [municipality("aa", { neighbours: ["bb"] }), municipality("bb", { neighbours: ["aa"] })])).organisations).toHaveLength(2);
  });

  it("registry - a generated registry of 600 gives every municipality a province and neighbours on both sides", () => {
    const registry = generatedRegistry(600);
    const municipalities = registry.organisations.filter((o) => o.roles.includes("municipality"));
    expect(municipalities).toHaveLength(589);
    expect(new Set(municipalities.map((m) => m.province)).size).toBe(5);
    expect(municipalities[0]!.neighbours).toEqual(["gemeente-0002"]);
    expect(municipalities[10]!.neighbours).toEqual(["gemeente-0010", "gemeente-0012"]);
  });
});
