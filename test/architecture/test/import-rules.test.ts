import { describe, expect, it } from "vitest";
import {
  describe as lines, forbiddenPackages, noForeignInternals, noTransportHandles, scanAll, subjectsOnlyInContracts, transportOnlyInBus, vocabularyWithoutNats,
} from "../src/import-rules.ts";
import { sourceFiles, workspacePackages } from "../src/workspace.ts";

const packages = workspacePackages();
const files = scanAll(sourceFiles(packages));

describe("layout rules", () => {
  it("layout rules - the scan sees the packages and their imports", () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(["@schakel/contracts", "@schakel/cli", "@schakel/runtime"]));
    const bus = files.find((f) => f.path === "contracts/src/bus/mod.ts");
    expect(bus?.facts.imports.length).toBeGreaterThan(0);
  });

  it("layout rules - the contract vocabulary imports no NATS package", () => {
    expect(lines(vocabularyWithoutNats(files))).toEqual([]);
  });

  it("layout rules - production code reaches NATS only through the bus client", () => {
    expect(lines(transportOnlyInBus(files))).toEqual([]);
  });

  it("layout rules - nothing outside the bus client touches a connection's nc or js", () => {
    expect(lines(noTransportHandles(files))).toEqual([]);
  });

  it("layout rules - no package imports another package's internals", () => {
    expect(lines(noForeignInternals(files, packages))).toEqual([]);
  });

  it("layout rules - the CLI imports no level service and the runtime no domain package", () => {
    expect(lines(forbiddenPackages(files))).toEqual([]);
  });

  it("layout rules - subject strings are written only in contracts and infra", () => {
    expect(lines(subjectsOnlyInContracts(files))).toEqual([]);
  });
});
