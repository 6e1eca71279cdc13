/**
 * The admin session `schakel up` holds: it provisions a fresh bus, finds it provisioned the next
 * time (a second run resumes, it does not recreate), and tells a refused identity from a server
 * that is not there; `provisionAsAdmin` does the same provisioning over a one-off connection.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { createUser } from "@nats-io/nkeys";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAMS } from "@schakel/contracts";
import { AdminConnectError, ensureIdentities, loadRegistry, openAdminSession, provisionAsAdmin, startEmbeddedServer, type EmbeddedServer, type Identities } from "../src/mod.ts";

const registry = loadRegistry();
let dataDir: string;
let identities: Identities;
let server: EmbeddedServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "schakel-admin-"));
  identities = await ensureIdentities(registry, dataDir);
  server = await startEmbeddedServer({ dataDir, registry, identities, port: 0 });
});
afterAll(async () => {
  await server?.stop(1_000);
  await rm(dataDir, { recursive: true, force: true });
});

describe("admin session", () => {
  it("admin session - provisions a fresh bus, and a second session finds it provisioned", async () => {
    const first = await openAdminSession({ url: server.url, adminSeed: identities.admin.seed, registry });
    const created = first.provisioned.filter((p) => p.kind === "stream" && p.action === "created").map((p) => p.name);
    expect(created).toEqual(expect.arrayContaining([STREAMS.coord.name, STREAMS.case.name]));
    expect(await first.storedMessages(STREAMS.coord.name)).toBe(0);
    await first.close();

    const second = await openAdminSession({ url: server.url, adminSeed: identities.admin.seed, registry });
    expect(second.provisioned.filter((p) => p.kind === "stream" && p.action === "created")).toEqual([]);
    await second.close();
  });

  it("admin session - a bus provisioned by a release without the read audit gets READS on the next run, nothing else changes", async () => {
    const nc = await connect({ servers: server.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(identities.admin.seed)) });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(STREAMS.reads.name);
      const next = await openAdminSession({ url: server.url, adminSeed: identities.admin.seed, registry });
      await next.close();
      expect(next.provisioned.filter((p) => p.action !== "unchanged").map((p) => `${p.kind} ${p.name} ${p.action}`)).toEqual([`stream ${STREAMS.reads.name} created`]);
      const info = await jsm.streams.info(STREAMS.reads.name);
      expect(info.config).toMatchObject({ subjects: [...STREAMS.reads.subjects], deny_delete: true, deny_purge: true, storage: "file" });
    } finally {
      await nc.close();
    }
  });

  it("admin session - an identity the server does not know is refused, not unreachable", async () => {
    const stranger = new TextDecoder().decode(createUser().getSeed());
    const error = await openAdminSession({ url: server.url, adminSeed: stranger, registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminConnectError);
    expect(error).toMatchObject({ refused: true, url: server.url });
  });

  it("admin session - a server that is not there is unreachable, not refused", async () => {
    // Port 1 on loopback: nothing listens there on a test machine.
    const error = await openAdminSession({ url: "nats://127.0.0.1:1", adminSeed: identities.admin.seed, registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminConnectError);
    expect(error).toMatchObject({ refused: false, message: expect.stringContaining("cannot reach the server at nats://127.0.0.1:1") });
  });

  it("admin session - a one-off provisioning of a running bus finds what exists, and refuses a stranger like a session", async () => {
    await provisionAsAdmin({ url: server.url, adminSeed: identities.admin.seed, registry });
    const results = await provisionAsAdmin({ url: server.url, adminSeed: identities.admin.seed, registry });
    expect(results.filter((p) => p.kind === "stream").map((p) => p.name)).toEqual(expect.arrayContaining([STREAMS.coord.name, STREAMS.case.name]));
    expect(results.filter((p) => p.action === "created")).toEqual([]);
    const stranger = new TextDecoder().decode(createUser().getSeed());
    const error = await provisionAsAdmin({ url: server.url, adminSeed: stranger, registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminConnectError);
    expect(error).toMatchObject({ refused: true, url: server.url });
  });
});
