/**
 * The production start, as the footprint scenarios measure it: a program bundled by
 * infra/scripts/build-production.mjs (into bench/dist, so a run never replaces the bundle `npm start`
 * runs) and started with plain Node and the Node flags of the root package.json's `production`
 * script — no tsx loader, exactly what an operator runs.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BUILD = path.join(ROOT, "infra/scripts/build-production.mjs");

/** The Node flags of `npm run production` (the words between `node` and the bundle). */
export function productionNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
  const words = (scripts.production ?? "node").split(/\s+/).filter(Boolean);
  return words.slice(1).filter((w) => w.startsWith("--"));
}

const built = new Map<string, Promise<string>>();

/**
 * Bundles `entry` (a path from the repository root; default the `schakel` command) into
 * bench/dist and resolves with the bundle's path. Built once per benchmark run.
 */
export function productionBuild(entry = "services/cli/src/main.ts"): Promise<string> {
  let out = built.get(entry);
  if (!out) {
    const file = path.join(ROOT, "bench/dist", `${path.basename(entry, ".ts") === "main" ? "schakel" : path.basename(entry, ".ts")}.mjs`);
    out = new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [BUILD, "--entry", entry, "--out", path.relative(ROOT, file)], { cwd: ROOT, timeout: 120_000 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`building ${entry} for production failed: ${String(stderr).trim().slice(-500) || err.message}`));
        else resolve(file);
      });
    });
    built.set(entry, out);
  }
  return out;
}

/** The command line that starts `entry`'s bundle in production: [node flags…, bundle, args…]. */
export async function productionArgs(args: string[], entry?: string): Promise<string[]> {
  return [...productionNodeFlags(), await productionBuild(entry), ...args];
}
