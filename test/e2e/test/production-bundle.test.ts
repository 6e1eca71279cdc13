/**
 * The production start (`npm run build`, then plain Node): the bundle is split at the commands'
 * dynamic imports, so what only `up` or a console needs — the HTTP server, the sign-in, the mail
 * sink, the mailer — is not loaded by a process that does not run it. Built here into a folder of
 * its own inside the repository (its imports find node_modules), then read as built: the packages
 * the program loads at start, through its static imports; and run as a real process, one
 * organisation's own services against a real server.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Packages only `up`, a console or a mail loads; never at the start of every command. */
const LOADED_ON_USE = ["hono", "@hono/node-server", "openid-client", "oidc-provider", "smtp-server", "nodemailer", "bcryptjs", "esbuild", "tsx/esm/api"];

let dir: string;
let bundle: string;
let s: SchakelServer;

beforeAll(async () => {
  await mkdir(path.join(ROOT, "test-artifacts"), { recursive: true });
  dir = await mkdtemp(path.join(ROOT, "test-artifacts", "bundle-"));
  bundle = path.join(dir, "schakel.mjs");
  await run(process.execPath, [path.join(ROOT, "infra/scripts/build-production.mjs"), "--out", path.relative(ROOT, bundle)], { cwd: ROOT, timeout: 60_000 });
  s = await startSchakelServer();
}, 90_000);
afterAll(async () => {
  await s?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The packages (not our chunks, not node:) a built file imports statically, and the files those chunks import in turn. */
async function loadedAtStart(file: string, seen = new Set<string>()): Promise<Set<string>> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const code = await readFile(file, "utf8");
  // Static imports only (`import … from "x"`, `import "x"`): a dynamic `import("x")` loads on use.
  for (const m of code.matchAll(/import\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s*[\w$]+)?\s*(?:from\s*)?"([^"]+)"/g)) {
    const spec = m[1]!;
    if (spec.startsWith("node:")) continue;
    if (spec.startsWith("./")) for (const p of await loadedAtStart(path.join(path.dirname(file), spec), seen)) packages.add(p);
    else packages.add(spec);
  }
  return packages;
}

describe("production bundle", () => {
  it("production bundle - the program's start loads the bus client and the command line, not the console, the sign-in or the mailer", async () => {
    const atStart = await loadedAtStart(bundle);
    expect([...atStart].filter((p) => p.startsWith("@nats-io/")).sort()).toEqual(["@nats-io/jetstream", "@nats-io/kv", "@nats-io/nkeys", "@nats-io/transport-node"]);
    expect(atStart.has("commander")).toBe(true);
    expect(LOADED_ON_USE.filter((p) => atStart.has(p))).toEqual([]);
    // They are in the build all the same, behind the imports that load them on use.
    const files = (await readdir(dir)).filter((f) => f.endsWith(".mjs"));
    const all = (await Promise.all(files.map((f) => readFile(path.join(dir, f), "utf8")))).join("\n");
    for (const p of ["hono", "openid-client", "smtp-server", "nodemailer", "oidc-provider"]) expect(all.includes(`"${p}"`), `${p} in the build`).toBe(true);
  });

  it("production bundle - on plain Node it answers --help, and runs one organisation's own services against a real server", async () => {
    const help = await run(process.execPath, [bundle, "--help"], { cwd: ROOT, timeout: 30_000 });
    expect(help.stdout).toMatch(/Usage: schakel/);
    expect(help.stdout).toMatch(/\brun\b/);

    const child = spawn(process.execPath, [bundle, "run", "--org", "mechelen", "--data", s.dataDir, "--server", s.url, "--health-port", "0", "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor(() => out.includes("\n"), { what: `the bundle's run to be ready (stderr: ${err})`, timeoutMs: 30_000 });
      const ready = JSON.parse(out.trim()) as { org: string; services: string[]; healthUrl: string };
      expect(ready).toMatchObject({ org: "mechelen", services: ["local"] });
      const readyz = await (await fetch(`${ready.healthUrl}/readyz`)).json() as { ready: boolean };
      expect(readyz.ready).toBe(true);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });
});
