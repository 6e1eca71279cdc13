/**
 * The monorepo as the layout rules see it: each workspace package (its folder, name and declared
 * `exports`) and each TypeScript file with the package it belongs to and whether it is
 * production code or a test.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is test/architecture/src/workspace.ts). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the root, with forward slashes, e.g. `services/cli`. */
  dir: string;
  /** Declared export subpaths: "." and e.g. "./bus". */
  exports: string[];
}

export interface SourceFile {
  /** Path relative to the root, with forward slashes. */
  path: string;
  pkg: WorkspacePackage;
  /** Not a test: outside the package's `test/` folder and not named `*.test.ts`. */
  production: boolean;
}

// Generated and installed code is not ours to lay out.
const SKIPPED_FOLDERS = new Set(["node_modules", "generated", "dist", "coverage", ".turbo"]);

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** Every workspace package named by the root package.json (`services/*` style globs expanded). */
export function workspacePackages(): WorkspacePackage[] {
  const patterns = readJson(path.join(ROOT, "package.json")).workspaces as string[];
  const dirs = patterns.flatMap((p) => {
    if (!p.endsWith("/*")) return [p];
    const parent = p.slice(0, -2);
    return readdirSync(path.join(ROOT, parent)).map((d) => `${parent}/${d}`);
  });
  return dirs
    .filter((d) => existsSync(path.join(ROOT, d, "package.json")))
    .map((dir) => {
      const manifest = readJson(path.join(ROOT, dir, "package.json"));
      const exports = manifest.exports;
      return {
        name: manifest.name as string,
        dir,
        exports: typeof exports === "string" ? ["."] : exports ? Object.keys(exports as object) : [],
      };
    });
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return SKIPPED_FOLDERS.has(entry) ? [] : tsFiles(full);
    return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [full] : [];
  });
}

/** Every TypeScript file of every workspace package. */
export function sourceFiles(packages: readonly WorkspacePackage[] = workspacePackages()): SourceFile[] {
  return packages.flatMap((pkg) =>
    tsFiles(path.join(ROOT, pkg.dir)).map((full) => {
      const rel = path.relative(ROOT, full).split(path.sep).join("/");
      const inPackage = rel.slice(pkg.dir.length + 1);
      return { path: rel, pkg, production: !inPackage.startsWith("test/") && !inPackage.endsWith(".test.ts") };
    }),
  );
}

/** The text of a file given relative to the root. */
export function readSource(file: SourceFile): string {
  return readFileSync(path.join(ROOT, file.path), "utf8");
}
