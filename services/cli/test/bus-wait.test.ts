/**
 * The CLI while the bus is down, against real servers: a command keeps trying for `--wait`, one
 * line per attempt naming the URL, then exits 3 saying what to do; refused credentials are not
 * retried (exit 1); a publication whose ack was lost to an outage is sent again with the same envelope,
 * and the stream holds it once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sampleData, STREAMS } from "@schakel/contracts";
import { ensureIdentities, loadRegistry } from "@schakel/infra";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { connectAs } from "../src/context.ts";
import { runBinary } from "./support/run-cli.ts";

let down: SchakelServer;
let up: SchakelServer;

beforeAll(async () => {
  [down, up] = await Promise.all([startSchakelServer(), startSchakelServer()]);
  await down.server.stop();
});
afterAll(async () => {
  await Promise.allSettled([down?.cleanup(), up?.cleanup()]);
});

const post = ["notice", "post", "--as", "fed-ocam", "--to", "mechelen", "--title", "Threat update", "--body", "Level 2 remains."];

describe("cli while the bus is down", () => {
  it("bus down - --wait 1s keeps trying with one line per attempt naming the URL, then exits 3 saying what to do", async () => {
    const started = performance.now();
    const r = await runBinary(["--data", down.dataDir, "--server", down.url, "--wait", "1s", ...post]);
    const elapsed = performance.now() - started;
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe("");
    // tsx start-up (~2 s on a slow machine) + 1 s of waiting; far below the 30 s default.
    expect(elapsed).toBeLessThan(10_000);
    const lines = r.stderr.trimEnd().split("\n");
    const retrying = lines.filter((l) => l.startsWith(`cannot reach the bus at ${down.url} (connection refused); retrying in `));
    expect(retrying.length, r.stderr).toBeGreaterThanOrEqual(2);
    expect(retrying[0]).toMatch(/retrying in 0\.5s \(attempt 1, giving up in (1|0\.\d)s; Ctrl-C to stop\)$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^error: cannot reach the bus at ${down.url} \\(connection refused\\); gave up after 1s and \\d+ attempts: is "npx schakel up" running\\?`));
    expect(lines).toHaveLength(retrying.length + 1);
  });

  it("bus down - --json keeps stdout empty and every message on stderr", async () => {
    const r = await runBinary(["--data", down.dataDir, "--server", down.url, "--wait", "600ms", ...post, "--json"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/retrying in/);
  });

  it("bus down - refused credentials are not retried: exit 1 at once with the credentials message", async () => {
    // Identities of another data folder: the running server does not know their keys.
    const stranger = await mkdtemp(join(tmpdir(), "schakel-stranger-"));
    try {
      await ensureIdentities(loadRegistry(), stranger);
      const started = performance.now();
      const r = await runBinary(["--data", stranger, "--server", up.url, "--wait", "20s", "feed", "--as", "mechelen"]);
      // Exit 3 is for a bus that may come back; waiting does not change a refusal.
      expect(r.code, r.stderr).toBe(1);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(r.stderr).toMatch(new RegExp(`the bus at ${up.url} refused the credentials of "mechelen"`));
      expect(r.stderr).not.toMatch(/retrying/);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    } finally {
      await rm(stranger, { recursive: true, force: true });
    }
  });

  it("bus down - a publication cut off by an outage is sent again with the same envelope and stored once", async () => {
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
    const bus = await connectAs("fed-ocam", { data: up.dataDir, server: up.url, wait: "30s" });
    try {
      const out = bus.prepare("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
      await up.server.stop();
      const sending = bus.send(out);
      await new Promise((r) => setTimeout(r, 2_500));
      await up.server.restart();
      const ack = await sending;
      expect(ack.id).toBe(out.envelope.id);
      expect(stderr.join(""), stderr.join("")).toMatch(new RegExp(`notice.posted to "mechelen" \\(id ${out.envelope.id}\\) was not acknowledged \\(.+\\); sending it again`));
      const jsm = await up.jsm();
      const stored = await jsm.streams.getMessage(STREAMS.coord.name, { seq: ack.seq });
      expect(stored?.header.get("Nats-Msg-Id")).toBe(out.envelope.id);
      expect((await jsm.streams.info(STREAMS.coord.name)).state.messages).toBe(1);
    } finally {
      spy.mockRestore();
      await bus.kill();
    }
  });
});
