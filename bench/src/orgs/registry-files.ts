/**
 * A registry of `n` organisations generated like `infra/scripts/generate-registry.ts` does, with
 * its persons file, written into `dir` for `schakel up --registry … --persons …`.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Registry } from "@schakel/contracts";
import { generatedPersons, generatedRegistry, renderPersons } from "@schakel/infra";

export interface RegistryFiles {
  registry: Registry;
  registryFile: string;
  personsFile: string;
}

export async function writeGeneratedRegistry(n: number, dir: string): Promise<RegistryFiles> {
  const registry = generatedRegistry(n);
  const registryFile = path.join(dir, `registry-${n}.json`);
  const personsFile = path.join(dir, `persons-${n}.json`);
  await writeFile(registryFile, JSON.stringify(registry));
  await writeFile(personsFile, renderPersons(generatedPersons(registry)));
  return { registry, registryFile, personsFile };
}

/** The registry's platform organisation (the one with role `platform`). */
export const platformOf = (registry: Registry): string => registry.organisations.find((o) => o.roles.includes("platform"))!.id;
