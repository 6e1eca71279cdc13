/**
 * The test command's watcher: a run whose output stands still is stopped and started once more,
 * saying so, and a second one that stands still fails; a run that ends keeps its own exit code and
 * its output. Real processes (the script under tsx, a node child standing in for vitest).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../scripts/vitest-watched.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

function watched(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(TSX, [SCRIPT, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

describe("vitest watched", () => {
  it("vitest watched - a run that stands still is stopped and run once more; standing still again fails with exit 1", async () => {
    // 0.01 minutes: 600 ms without output.
    const r = await watched(["--stall-minutes", "0.01", "--", process.execPath, "-e", "console.log('started'); setInterval(() => {}, 1000)"]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/started/g)).toHaveLength(2);
    expect(r.stderr).toContain("no output for 0.01 minutes");
    expect(r.stderr).toContain("a test runner that stands still, not a failing test); running it once more");
    expect(r.stderr).toContain("again; giving up");
  });

  it("vitest watched - a run that ends keeps its exit code and its output; bad options are exit 2", async () => {
    const r = await watched(["--stall-minutes", "0.5", "--", process.execPath, "-e", "console.log('ran'); console.error('said'); process.exit(3)"]);
    expect(r).toMatchObject({ code: 3, stdout: "ran\n", stderr: "said\n" });
    const bad = await watched(["--stall-minutes", "none"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--stall-minutes "none" is not a positive number of minutes');
    const help = await watched(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--stall-minutes N");
  });
});
