/**
 * The released schemas: `contracts/schemas/<type>/v<N>.json`, one JSON Schema (the data schema as
 * generated at release time) per released version of each type. Committed, never edited by hand:
 * `npm run schemas:release -w @schakel/contracts` writes them.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { catalog, MESSAGE_TYPES, type MessageType } from "../catalog.ts";
import { dataJsonSchema } from "../docs/json-schema.ts";
import type { JsonSchema } from "./schema-diff.ts";

/** Where the released schemas live. */
export const SCHEMAS_DIR = new URL("../../schemas/", import.meta.url);

/** Released versions of each type: type → version → schema. */
export type SnapshotHistory = Map<string, Map<number, JsonSchema>>;

/** The current catalog as the checks see it: type → its version and data schema. */
export type CurrentSchemas = Map<string, { version: number; schema: JsonSchema }>;

const FILE = /^v([1-9][0-9]*)\.json$/;

/** File of one released version, relative to the schemas folder. */
export const snapshotPath = (type: string, version: number): string => `${type}/v${version}.json`;

/** Reads every snapshot; a file that is not `v<N>.json` or not JSON is an error naming it. */
export async function readSnapshots(dir: URL = SCHEMAS_DIR): Promise<SnapshotHistory> {
  const history: SnapshotHistory = new Map();
  const types = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const t of types) {
    if (!t.isDirectory()) continue;
    const versions = new Map<number, JsonSchema>();
    for (const file of await readdir(new URL(`${t.name}/`, dir))) {
      const m = FILE.exec(file);
      if (!m) throw new Error(`schemas/${t.name}/${file} is not a released schema: files are named v<N>.json`);
      const text = await readFile(new URL(`${t.name}/${file}`, dir), "utf8");
      try {
        versions.set(Number(m[1]), JSON.parse(text) as JsonSchema);
      } catch (cause) {
        throw new Error(`schemas/${t.name}/${file} is not valid JSON; restore it from git`, { cause });
      }
    }
    history.set(t.name, versions);
  }
  return history;
}

/** Writes one snapshot (pretty JSON, final newline). */
export async function writeSnapshot(type: string, version: number, schema: JsonSchema, dir: URL = SCHEMAS_DIR): Promise<string> {
  await mkdir(new URL(`${type}/`, dir), { recursive: true });
  const file = new URL(snapshotPath(type, version), dir);
  await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
  return fileURLToPath(file);
}

/** The current catalog's data schemas, in the form snapshots are stored. */
export function currentSchemas(types: readonly MessageType[] = MESSAGE_TYPES): CurrentSchemas {
  return new Map(types.map((t) => [t, { version: catalog[t].version, schema: dataJsonSchema(t) }]));
}
