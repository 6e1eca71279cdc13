/**
 * `schakel up` started again on the same data folder, as a newcomer runs `npm start` twice: the
 * demo is played once (the second start says the demo data is already there); the console keeps
 * its port (SCHAKEL_CONSOLE_PORT) and nats-server the port of the previous run, so open tabs and a
 * pinned NATS_URL keep working; a taken port is reported and replaced; `--fresh` moves the old
 * data folder aside and plays the demo anew. Real `up` processes (without the level services, which
 * these checks do not need), and the bus part of `up` in-process for a taken nats-server port.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureIdentities, loadRegistry } from "@schakel/infra";
import { freePort, waitFor } from "@schakel/harness";
import { KeyDirectory } from "@schakel/contracts/bus";
import { startBus, type RunningBus } from "../src/up/bus.ts";
import { playDemoOnce } from "../src/up/demo/play-once.ts";
import type { UpSummary } from "../src/up/summary.ts";
import { spawnCli, type RunningCli } from "./support/run-cli.ts";

let tmp: string;
let data: string;
let consolePort: number;
const running: RunningCli[] = [];

interface Up { summary: UpSummary; cli: RunningCli; stop(): Promise<void> }

/** Starts `up --json --no-services`, resolving with its summary line once it is ready. */
async function up(args: string[]): Promise<Up> {
  const cli = spawnCli(["--data", data, "up", "--json", "--no-services", ...args], { SCHAKEL_CONSOLE_PORT: String(consolePort) }, tmp);
  running.push(cli);
  const line = await waitFor(() => cli.stdout().split("\n").find((l) => l.startsWith("{")), { timeoutMs: 60_000, what: `the summary of up ${args.join(" ")}` })
    .catch((err: Error) => { throw new Error(`${err.message}\n${cli.stderr()}`); });
  return {
    summary: JSON.parse(line) as UpSummary, cli,
    async stop() {
      cli.kill("SIGINT");
      expect((await cli.done).code, cli.stderr()).toBe(0);
    },
  };
}

const portOf = (url: string | null): number => Number(new URL(url!).port);

/** Holds `port` on 127.0.0.1 until closed, as another program would. */
function hold(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(srv));
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "schakel-restart-"));
  data = join(tmp, ".schakel");
  consolePort = await freePort();
});
afterAll(async () => {
  for (const c of running) c.kill("SIGKILL");
  await Promise.allSettled(running.map((c) => c.done));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("up started again", () => {
  let natsPort: number;

  it("up - the demo is played once; a second start resumes on the same ports and says the demo data is there", async () => {
    const first = await up(["--demo"]);
    let played: { playedAt: string; version: string };
    try {
      natsPort = portOf(first.summary.url);
      expect(portOf(first.summary.consoleUrl)).toBe(consolePort);
      await waitFor(() => existsSync(join(data, "demo-played.json")), { what: "the demo marker" });
      // The marker is written whole (a partial file renamed over it): once it is there, it is complete.
      played = JSON.parse(await readFile(join(data, "demo-played.json"), "utf8")) as { playedAt: string; version: string };
      expect(played.version).toBe("0.1.0");
    } finally {
      await first.stop();
    }

    const second = await up(["--demo"]);
    try {
      expect(portOf(second.summary.url)).toBe(natsPort);
      expect(portOf(second.summary.consoleUrl)).toBe(consolePort);
      expect(second.summary.resumed).toBe(true);
      expect(second.cli.stderr()).toContain(`nats-server listens on port ${natsPort} again, as in the previous run of this data folder`);
      await waitFor(() => second.cli.stderr().includes("the demo data is already there"), { what: "the demo note" });
      expect(second.cli.stderr()).toContain(`the demo data is already there (played ${played.playedAt}, schakel 0.1.0); start with --fresh for a new one`);
      expect(second.cli.stderr()).not.toMatch(/demo 1\/\d+/);
    } finally {
      await second.stop();
    }
  });

  it("up - the previous run's nats-server port, when taken, is said and replaced by a free one", async () => {
    // In-process: the bus part of `up` on a data folder whose previous run used a port now held by another program.
    const dir = join(tmp, "held");
    const identities = await ensureIdentities(loadRegistry(), dir);
    const taken = await hold(0);
    const port = (taken.address() as net.AddressInfo).port;
    await writeFile(join(dir, "last-run.json"), JSON.stringify({ natsPort: port, at: new Date().toISOString() }));
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (lines.push(String(c)), true));
    let bus: RunningBus | undefined;
    try {
      bus = await startBus({ dataDir: dir, registry: loadRegistry(), identities });
    } finally {
      spy.mockRestore();
      await bus?.stop();
      await new Promise((r) => taken.close(r));
    }
    expect(portOf(bus.url)).not.toBe(port);
    expect(lines.join("")).toContain(`port ${port} of the previous run is taken: nats-server listens on a free port instead`);
    expect(JSON.parse(await readFile(join(dir, "last-run.json"), "utf8"))).toMatchObject({ natsPort: portOf(bus.url) });
  });

  it("up - --demo --fresh moves the old data folder aside and plays the demo anew; a taken console port is said and replaced", async () => {
    const taken = await hold(consolePort);
    let fresh: Up;
    try {
      fresh = await up(["--demo", "--fresh"]);
    } finally {
      await new Promise((r) => taken.close(r));
    }
    try {
      expect(portOf(fresh.summary.consoleUrl)).not.toBe(consolePort);
      expect(fresh.cli.stderr()).toContain(`port ${consolePort} is taken: listening on a free port instead, ${fresh.summary.consoleUrl}`);
      const aside = readdirSync(tmp).filter((f) => f.startsWith(".schakel.old-"));
      expect(aside).toHaveLength(1);
      expect(fresh.cli.stderr()).toContain(`--fresh: moved the old data folder aside to ${join(tmp, aside[0]!)}`);
      expect(existsSync(join(tmp, aside[0]!, "demo-played.json"))).toBe(true);
      expect(fresh.summary.resumed).toBe(false);
      await waitFor(() => existsSync(join(data, "demo-played.json")), { what: "the new demo marker" });
      await waitFor(() => /demo 1\/\d+/.test(fresh.cli.stderr()), { what: "the first demo step" });
    } finally {
      await fresh.stop();
    }
  });
});

describe("the demo and earlier data", () => {
  it("up - a data folder that holds messages but no demo marker (filled by an earlier release, or by real use) does not get the demo", async () => {
    const dir = await mkdtemp(join(tmpdir(), "schakel-unmarked-"));
    const said: string[] = [];
    try {
      const report = await playDemoOnce({
        url: "nats://127.0.0.1:1", dataDir: dir, directory: new KeyDirectory((await ensureIdentities(loadRegistry(), dir)).directory),
        say: (line) => said.push(line), signal: new AbortController().signal, storedMessages: 62,
      });
      expect(report).toBeUndefined();
      expect(said.join("\n")).toContain("this data folder already holds 62 coordination messages, so the demo is not played into it");
      expect(existsSync(join(dir, "demo-played.json"))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
