/**
 * Writes a registry of N organisations (generated municipalities plus the demo registry's Flemish,
 * federal and supralocal organisations), for measuring `schakel up` at national scale:
 *
 *   tsx infra/scripts/generate-registry.ts 600 registry-600.json
 *   schakel up --registry registry-600.json --no-services --json
 */
import { writeFile } from "node:fs/promises";
import { generatedRegistry } from "../src/generated-registry.ts";

const [count, file] = process.argv.slice(2);
if (!count || !file || !/^\d+$/.test(count)) {
  process.stderr.write("usage: tsx infra/scripts/generate-registry.ts <number of organisations> <output file>\n");
  process.exit(2);
}
try {
  const registry = generatedRegistry(Number(count));
  await writeFile(file, `${JSON.stringify(registry, null, 2)}\n`);
  process.stderr.write(`wrote ${registry.organisations.length} organisations to ${file}\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
