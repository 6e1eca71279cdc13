/**
 * The system tools check on a machine without nats-server (a PATH without it, no fallback
 * directories, and not allowed to install — as for a user who is not root): `schakel up` and the
 * test command's check stop at once with exit 2 and the exact command to run, and `up` writes
 * nothing and starts nothing.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBinary, type CliResult } from "./support/run-cli.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const SCRIPT = join(ROOT, "infra/scripts/ensure-system-tools.ts");

let empty: string;
let bare: NodeJS.ProcessEnv;

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), "schakel-nopath-"));
  bare = { PATH: empty, SCHAKEL_BIN_DIRS: "", SCHAKEL_NO_AUTO_INSTALL: "1", NATS_SERVER_BIN: "" };
});
afterAll(async () => {
  if (empty) await rm(empty, { recursive: true, force: true });
});

function ensure(purpose: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, SCRIPT, purpose], { cwd: ROOT, env: { ...process.env, ...bare }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("system tools", () => {
  it("system tools - up without nats-server exits 2 with the install command, before writing or starting anything", async () => {
    const data = join(empty, "data");
    const r = await runBinary(["--data", data, "up", "--json"], bare);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("not installed: nats-server");
    expect(r.stderr).toContain("sudo apt-get install -y nats-server");
    expect(r.stderr).not.toMatch(/ENOENT|spawn/);
    expect(existsSync(data)).toBe(false);
  });

  it("system tools - the test command's check names every missing tool and one command for them, exit 2", async () => {
    const start = await ensure("start");
    expect(start.code, start.stderr).toBe(2);
    expect(start.stderr).toContain("run: sudo apt-get install -y nats-server;");
    const test = await ensure("test");
    expect(test.code, test.stderr).toBe(2);
    expect(test.stderr).toMatch(/not installed: nats-server .*, chromium .*, prometheus .*, promtool /);
    expect(test.stderr).toContain("run: sudo apt-get install -y nats-server chromium prometheus;");
  });

  it("system tools - with the tools installed the check passes quietly", async () => {
    const r = await new Promise<CliResult>((resolve) => {
      const child = spawn(process.execPath, [TSX, SCRIPT, "start"], { cwd: ROOT, env: { ...process.env, SCHAKEL_NO_AUTO_INSTALL: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (c) => (stderr += c));
      child.once("close", (code) => resolve({ code: code ?? -1, stdout: "", stderr }));
    });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});
