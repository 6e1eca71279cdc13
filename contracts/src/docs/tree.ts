/**
 * Reading and writing a folder of generated text files as one map (relative path → text), so the
 * writer can remove files the generator no longer produces and the drift test can compare all.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Every file under `dir` (recursively), keyed by its path relative to `dir` with "/" separators. */
export async function readTree(dir: URL): Promise<Map<string, string>> {
  const root = fileURLToPath(dir);
  const files = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, full).split(path.sep).join("/"), await readFile(full, "utf8"));
  }
  return files;
}

/** What changed when writing a tree. */
export interface TreeChanges {
  written: string[];
  removed: string[];
  unchanged: number;
}

/** Makes `dir` hold exactly `files`: writes what differs, removes what is no longer produced. */
export async function writeTree(dir: URL, files: Map<string, string>): Promise<TreeChanges> {
  const root = fileURLToPath(dir);
  const existing = await readTree(dir);
  const changes: TreeChanges = { written: [], removed: [], unchanged: 0 };
  for (const [rel, text] of files) {
    if (existing.get(rel) === text) {
      changes.unchanged++;
      continue;
    }
    const full = path.join(root, ...rel.split("/"));
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, text);
    changes.written.push(rel);
  }
  for (const rel of existing.keys()) {
    if (files.has(rel)) continue;
    await rm(path.join(root, ...rel.split("/")), { force: true });
    changes.removed.push(rel);
  }
  return changes;
}
