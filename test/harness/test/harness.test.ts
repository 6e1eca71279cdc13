/**
 * Tests of the harness against the real nats-server binary. Every handle
 * goes through `track()` so afterEach kills and deletes it even when an
 * assertion fails halfway.
 */
import { existsSync } from "node:fs";
import { writeFile, readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  fetchMonitor,
  leafConnections,
  readInfo,
  startCluster,
  startLeafPair,
  startServer,
  waitFor,
  withFreePorts,
} from "../src/mod.ts";

const live: { cleanup(): Promise<void> }[] = [];
function track<T extends { cleanup(): Promise<void> }>(handle: T): T {
  live.push(handle);
  return handle;
}
afterEach(async () => {
  await Promise.all(live.splice(0).map((h) => h.cleanup()));
});

/** Resolve true if something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

describe("harness", () => {
  it("harness - starts a server on a random port", async () => {
    const server = track(await startServer());
    expect(server.port).toBeGreaterThan(0);
    expect(server.port).not.toBe(4222);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.running).toBe(true);
    const info = await readInfo(server.port);
    expect(info.port).toBe(server.port);
    expect(info.jetstream).toBe(true);
    expect(info.version).toMatch(/^2\./);
    expect(server.monitorUrl).toBeUndefined();
  });

  it("harness - passes maxPayload, configText and monitoring through", async () => {
    const server = track(
      await startServer({
        jetstream: false,
        monitoring: true,
        maxPayload: 2048,
        configText: 'authorization { user: "svc", password: "s3cret" }',
      }),
    );
    const info = await readInfo(server.port);
    expect(info.max_payload).toBe(2048);
    expect(info.auth_required).toBe(true);
    expect(info.jetstream).toBeFalsy();
    const varz = await fetchMonitor<{ port: number }>(server.monitorUrl ?? "", "/varz");
    expect(varz.port).toBe(server.port);
  });

  it("harness - restart after kill9 reuses the port and keeps the store dir", async () => {
    const server = track(await startServer());
    const { port, pid } = server;
    const marker = path.join(server.storeDir, "marker.txt");
    await writeFile(marker, "survives");
    await server.kill9();
    expect(server.running).toBe(false);
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await readFile(marker, "utf8")).toBe("survives");
    expect((await readInfo(server.port)).jetstream).toBe(true);
  });

  it("harness - stop is idempotent and cleanup removes the directory", async () => {
    const server = await startServer();
    await server.stop({ signal: "SIGTERM" });
    await server.stop();
    expect(server.running).toBe(false);
    expect(await accepts(server.port)).toBe(false);
    expect(existsSync(server.dir)).toBe(true);
    await server.cleanup();
    await server.cleanup();
    expect(existsSync(server.dir)).toBe(false);
    await expect(server.restart()).rejects.toThrow(/cleaned up/);
  });

  it("harness - a bad config fails fast with the server's output", async () => {
    const started = Date.now();
    const err = await startServer({ configText: "cluster { listen: " }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/failed to start[\s\S]*--- server output ---/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("harness - missing binary gives the apt-get message", async () => {
    const saved = process.env["NATS_SERVER_BIN"];
    process.env["NATS_SERVER_BIN"] = "/nonexistent/nats-server";
    try {
      await expect(startServer()).rejects.toThrow(/apt-get install nats-server/);
    } finally {
      if (saved === undefined) delete process.env["NATS_SERVER_BIN"];
      else process.env["NATS_SERVER_BIN"] = saved;
    }
  });

  it("harness - cluster of 3 elects a meta leader and fails over", async () => {
    const cluster = track(await startCluster(3));
    expect(new Set(cluster.urls).size).toBe(3);
    const leader = await cluster.leader();
    expect(leader).toBeDefined();
    for (const s of cluster.servers) {
      const jsz = await fetchMonitor<{ meta_cluster: { leader: string; cluster_size: number } }>(s.monitorUrl ?? "", "/jsz");
      expect(jsz.meta_cluster.leader).toBe(leader?.name);
      expect(jsz.meta_cluster.cluster_size).toBe(3);
    }
    // Kill the leader: the two survivors must elect one of themselves.
    await cluster.stop(leader?.index ?? 0);
    const next = await cluster.waitForLeader();
    expect(next.name).not.toBe(leader?.name);
    await cluster.restart(leader?.index ?? 0);
    await cluster.waitForLeader();
  }, 30_000);

  it("harness - leaf pair links, cuts and restores", async () => {
    const pair = track(await startLeafPair());
    expect(pair.hub.leafPort).toBeGreaterThan(0);
    expect(await leafConnections(pair.leaf)).toBe(1);
    await pair.cut();
    expect(await leafConnections(pair.hub.server)).toBe(0);
    await pair.restore();
    expect(await leafConnections(pair.hub.server)).toBe(1);
  });

  it("harness - a reserved port taken before the server binds it: started again on a fresh port; other failures are not repeated", async () => {
    // Another process holds the port the first attempt was given, as a parallel test file might.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen({ port: 0, host: "127.0.0.1" }, () => resolve()));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const tried: number[] = [];
      const hub = track(await withFreePorts(1, ([port]) => {
        const leafPort = tried.length === 0 ? taken : port!;
        tried.push(leafPort);
        return startServer({ configText: `leafnodes {\n  listen: "127.0.0.1:${leafPort}"\n}` });
      }));
      expect(tried).toHaveLength(2);
      expect(tried[0]).toBe(taken);
      expect(tried[1]).not.toBe(taken);
      expect(hub.running).toBe(true);
      expect(await accepts(tried[1]!)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    let calls = 0;
    await expect(withFreePorts(1, async () => {
      calls++;
      throw new Error("bad config");
    })).rejects.toThrow("bad config");
    expect(calls).toBe(1);
  });

  it("harness - waitFor names what it awaited", async () => {
    await expect(waitFor(() => false, { timeoutMs: 100, what: "the moon" })).rejects.toThrow(
      /timed out after 100 ms waiting for the moon/,
    );
    expect(await waitFor(() => 42, { timeoutMs: 100 })).toBe(42);
  });
});
