/**
 * The loopback topology script generates complete config files (hub, leaves, cluster nodes) from
 * the registry and runs them: `--check` starts, provisions and verifies a hub with one leaf per
 * level on nats-server 2.9, then stops. This proves the full files, not only their blocks.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const run = (args: string[]) =>
  spawnSync(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "infra", "scripts", "topology.ts"), ...args], { encoding: "utf8", timeout: 120_000 });

describe("topology script", () => {
  it("topology script - --help explains both layouts and exits 0", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cluster[\s\S]*leaves[\s\S]*--base-port/);
  });

  it("topology script - runs a hub and one leaf per level from generated configs, provisioned and linked", () => {
    const data = mkdtempSync(path.join(tmpdir(), "schakel-topology-"));
    try {
      // The script binds fixed ports from its base (up to base + 1000). A random base below the
      // kernel's ephemeral range (32768 and up), where the servers other tests start on port -1
      // get their ports, and below the machine's own services (e.g. 25672): no other test can
      // hold one of them. The script leaves 4222 alone.
      const base = 10_000 + Math.floor(Math.random() * 140) * 100;
      const r = run(["leaves", "--data", data, "--base-port", String(base), "--check"]);
      expect(r.stderr + r.stdout).not.toMatch(/topology: /);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/leaf local: .* for antwerpen, mechelen/);
      expect(r.stdout).toMatch(/COORD: 1 replica\(s\), 4 leaf source\(s\)/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
