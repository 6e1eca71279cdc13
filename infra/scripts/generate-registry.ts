/**
 * Writes a registry of N organisations (generated municipalities plus the demo registry's Flemish,
 * federal and supralocal organisations), and optionally the persons file that goes with it (the
 * demo persons of those organisations), for measuring `schakel up` at national scale:
 *
 *   tsx infra/scripts/generate-registry.ts 600 registry-600.json persons-600.json
 *   schakel up --registry registry-600.json --persons persons-600.json --json
 */
import { writeFile } from "node:fs/promises";
import { renderPersons } from "../src/persons.ts";
import { generatedPersons, generatedRegistry } from "../src/generated-registry.ts";

const [count, file, personsFile] = process.argv.slice(2);
if (!count || !file || !/^\d+$/.test(count)) {
  process.stderr.write("usage: tsx infra/scripts/generate-registry.ts <number of organisations> <registry file> [<persons file>]\n");
  process.exit(2);
}
try {
  const registry = generatedRegistry(Number(count));
  await writeFile(file, `${JSON.stringify(registry, null, 2)}\n`);
  process.stderr.write(`wrote ${registry.organisations.length} organisations to ${file}\n`);
  if (personsFile) {
    const persons = generatedPersons(registry);
    await writeFile(personsFile, renderPersons(persons));
    process.stderr.write(`wrote ${persons.length} persons of those organisations to ${personsFile}\n`);
  }
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
