/**
 * `npm run docs -w @schakel/contracts`: regenerates contracts/generated/ (AsyncAPI document,
 * JSON Schemas, index). Commit the result; a test fails when it drifts from the catalog.
 */
import { fileURLToPath } from "node:url";
import { generateDocs, GENERATED_DIR } from "./generate.ts";
import { writeTree } from "./tree.ts";

const changes = await writeTree(GENERATED_DIR, generateDocs());
const where = fileURLToPath(GENERATED_DIR);
for (const f of changes.written) console.log(`wrote   ${f}`);
for (const f of changes.removed) console.log(`removed ${f}`);
console.log(`${where}: ${changes.written.length} written, ${changes.removed.length} removed, ${changes.unchanged} unchanged`);
