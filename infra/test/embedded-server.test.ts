/**
 * The embedded nats-server started again after it was SIGKILLed, as `schakel up` does: asked for
 * the client and monitoring ports it had, it gets them back at once (no waiting for the old
 * sockets), and finds the streams in the same store.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAMS } from "@schakel/contracts";
import { ensureIdentities, loadRegistry, processAlive, provision, startEmbeddedServer, type EmbeddedServer, type Identities } from "../src/mod.ts";

const registry = loadRegistry();
let dataDir: string;
let identities: Identities;
const servers: EmbeddedServer[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-embedded-"));
  identities = await ensureIdentities(registry, dataDir);
});
afterAll(async () => {
  await Promise.allSettled(servers.map((s) => s.stop(1_000)));
  await rm(dataDir, { recursive: true, force: true });
});

async function streamNames(url: string): Promise<string[]> {
  const nc = await connect({ servers: url, authenticator: nkeyAuthenticator(new TextEncoder().encode(identities.admin.seed)) });
  try {
    const jsm = await jetstreamManager(nc);
    await provision(nc, jsm, registry);
    const names: string[] = [];
    for await (const s of jsm.streams.list()) names.push(s.config.name);
    return names;
  } finally {
    await nc.close();
  }
}

describe("embedded server", () => {
  it("embedded - started again on the ports it had after a SIGKILL, with the same store", async () => {
    const first = await startEmbeddedServer({ dataDir, registry, identities, port: 0 });
    servers.push(first);
    expect(first.url).not.toMatch(/:4222$/);
    expect(first.monitorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await streamNames(first.url)).toEqual(expect.arrayContaining([STREAMS.coord.name, STREAMS.case.name]));

    process.kill(first.pid, "SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const monitorPort = Number(new URL(first.monitorUrl!).port);
    const started = performance.now();
    const second = await startEmbeddedServer({ dataDir, registry, identities, port: first.port, monitorPort });
    servers.push(second);
    console.info(`embedded server back on ${second.url} in ${Math.round(performance.now() - started)} ms`);

    expect(second.pid).not.toBe(first.pid);
    expect(processAlive(first.pid)).toBe(false);
    expect(second.url).toBe(first.url);
    expect(second.monitorUrl).toBe(first.monitorUrl);
    expect(second.paths.storeDir).toBe(first.paths.storeDir);
    const jsz = (await (await fetch(new URL("jsz", second.monitorUrl))).json()) as { streams: number };
    expect(jsz.streams).toBeGreaterThanOrEqual(2); // recovered from the store, before anyone provisioned
    expect(await streamNames(second.url)).toEqual(expect.arrayContaining([STREAMS.coord.name, STREAMS.case.name]));
  });
});
