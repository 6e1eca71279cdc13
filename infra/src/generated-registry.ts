/**
 * Registries of any size for measuring start-up at national scale: the demo registry's Flemish,
 * federal and supralocal organisations (the platform among them) plus as many generated
 * municipalities (with a province and neighbours) as it takes to reach the requested number; the
 * demo's local partners and police zones are left out with its municipalities. Used by
 * `infra/scripts/generate-registry.ts` and by the tests that check how the config grows.
 */
import { readFileSync } from "node:fs";
import { PROVINCES, Registry, type Organisation, type Person } from "@schakel/contracts";
import { DEFAULT_PERSONS_PATH, parsePersons } from "./persons.ts";
import { loadRegistry } from "./registry.ts";

/** The id of the n-th generated municipality (1-based): `gemeente-0001`. */
export function generatedMunicipalityId(n: number): string {
  return `gemeente-${String(n).padStart(4, "0")}`;
}

/**
 * A valid registry of `organisations` organisations. Throws when the number is not a whole number
 * at least as large as the demo registry's non-local organisations (the platform must be there).
 */
export function generatedRegistry(organisations: number, base: Registry = loadRegistry()): Registry {
  const fixed = base.organisations.filter((o) => o.level !== "local");
  if (!Number.isInteger(organisations) || organisations < fixed.length || organisations > 9_999) {
    throw new RangeError(`organisations must be a whole number from ${fixed.length} to 9999 (the demo registry's ${fixed.length} non-local organisations plus generated municipalities), got ${organisations}`);
  }
  const count = organisations - fixed.length;
  // Cheap but valid geography: the provinces in equal blocks, each municipality bordering on the
  // one before and after it (listed on both sides, as the registry requires).
  const municipalities: Organisation[] = Array.from({ length: count }, (_, i) => ({
    id: generatedMunicipalityId(i + 1),
    name: `Gemeente ${String(i + 1).padStart(4, "0")}`,
    level: "local",
    roles: ["municipality", "livc-partner"],
    province: PROVINCES[Math.floor((i * PROVINCES.length) / count)]!,
    neighbours: [i, i + 2].filter((n) => n >= 1 && n <= count).map(generatedMunicipalityId),
  }));
  return Registry.parse({ organisations: [...municipalities, ...fixed] });
}

/**
 * The demo persons who work for an organisation of `registry` (a generated registry keeps the
 * demo's Flemish, federal and supralocal organisations, not its municipalities), checked against it:
 * the persons file `schakel up --registry` needs beside a generated registry.
 */
export function generatedPersons(registry: Registry, demoPersonsPath: string = DEFAULT_PERSONS_PATH): Person[] {
  const ids = new Set(registry.organisations.map((o) => o.id));
  const file = JSON.parse(readFileSync(demoPersonsPath, "utf8")) as { persons: { organisation: string }[] };
  return parsePersons(JSON.stringify({ persons: file.persons.filter((p) => ids.has(p.organisation)) }), registry, demoPersonsPath);
}
