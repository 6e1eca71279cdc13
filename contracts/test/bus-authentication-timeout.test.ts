/**
 * A server too busy to check credentials in time against refused credentials, on a real
 * nats-server. Both reach nats.js as an `AuthorizationError`; only an "Authentication Timeout" is
 * tried again with back-off, and when it persists it is reported as an overloaded server, never as
 * credentials to regenerate. Unknown credentials are refused at once, as before.
 * The server's authentication window is made short (`authorization { timeout }`, reloaded into
 * the running server) and a loopback relay holds the client's CONNECT while "busy": the server
 * itself then times the authentication out, as it does for a connection it cannot serve in time.
 * The refused-credentials case runs against a second server with the default window: under load a
 * 0.25 s window can expire before the server reads a stranger's CONNECT, and the refusal would
 * then arrive as a timeout.
 */
import net from "node:net";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createCurve, createUser } from "@nats-io/nkeys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchakelError } from "@schakel/contracts";
import { connectBus, connectionFailure, type AuthenticationRetryEvent } from "@schakel/contracts/bus";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";

let s: SchakelServer;
/** A server with the default authentication window, for the refused-credentials case. */
let plain: SchakelServer;
let relay: net.Server;
let relayUrl: string;
/** While true, the relay passes the server's bytes to the client but holds the client's: its CONNECT never arrives. */
let busy = true;
/** Every relayed connection, so a test can cut them all as a server restart would. */
const relayed = new Set<net.Socket>();

const failure = (p: Promise<unknown>): Promise<SchakelError> =>
  p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as SchakelError);

/** A relay on port 0 in front of the server; a connection opened while `busy` never delivers its client's bytes. */
async function startRelay(port: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect({ port, host: "127.0.0.1" });
    const heldBack = busy;
    upstream.pipe(client);
    if (!heldBack) client.pipe(upstream);
    relayed.add(client);
    const end = (): void => { relayed.delete(client); client.destroy(); upstream.destroy(); };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

beforeAll(async () => {
  [s, plain] = await Promise.all([startSchakelServer(), startSchakelServer()]);
  const config = await readFile(join(s.server.dir, "nats.conf"), "utf8");
  await writeFile(join(s.server.dir, "nats.conf"), `${config}authorization { timeout: 0.25 }\n`);
  process.kill(s.server.pid, "SIGHUP");
  // The reload is over only at "Reloaded server configuration": before it, nats-server re-checks
  // every open connection against the new authorization, and refuses one that has not sent its
  // CONNECT yet (a held connection of the first test would be refused as a credentials problem).
  await waitFor(() => s.server.output().includes("Reloaded: authorization timeout = 0.25") && s.server.output().includes("Reloaded server configuration"), {
    what: "the server to finish reloading with a 0.25 s authentication window",
  });
  relay = await startRelay(s.server.port);
  relayUrl = `nats://127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  relay?.close();
  await Promise.all([s?.cleanup(), plain?.cleanup()]);
});

describe("bus - authentication timeout", () => {
  it("bus - unknown credentials are refused at once (no retry), with the message to regenerate them", async () => {
    const retries: AuthenticationRetryEvent[] = [];
    const stranger = { org: "mechelen", seed: new TextDecoder().decode(createUser().getSeed()), curveSeed: new TextDecoder().decode(createCurve().getSeed()) };
    const error = await failure(connectBus({ servers: plain.url, credentials: stranger, directory: plain.directory, reconnect: false, onAuthenticationRetry: (r) => retries.push(r) }));
    expect(error.toData()).toMatchObject({ code: "credentials-refused", retryable: false, details: { org: "mechelen" } });
    expect(error.message).toContain(`the bus at ${plain.url} refused the credentials of "mechelen": regenerate them`);
    expect(retries).toEqual([]);
    expect(connectionFailure(error)).toEqual({ kind: "credentials-refused" });
  });

  it("bus - an authentication timeout that persists is retried, then reported as an overloaded server (retryable), not as refused credentials", async () => {
    busy = true;
    const retries: AuthenticationRetryEvent[] = [];
    const error = await failure(connectBus({
      servers: relayUrl, credentials: s.identities.organisations.get("mechelen")!, directory: s.directory, reconnect: false,
      authenticationRetry: { attempts: 3, firstDelayMs: 20 }, onAuthenticationRetry: (r) => retries.push(r),
    }));
    expect(error.toData()).toMatchObject({ code: "unreachable", retryable: true, details: { org: "mechelen", reason: "authentication-timeout", attempts: 3 } });
    expect(error.message).toContain("the server is overloaded");
    expect(error.message).not.toContain("regenerate");
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(20); // doubled from 20 ms, with jitter down to half
    expect(connectionFailure(error)?.kind).toBe("unreachable");
  });

  it("bus - a connection that missed the authentication window connects on a later attempt once the server keeps up", async () => {
    busy = true;
    const retries: AuthenticationRetryEvent[] = [];
    const bus = await connectBus({
      servers: relayUrl, credentials: s.identities.organisations.get("mechelen")!, directory: s.directory, reconnect: false,
      authenticationRetry: { attempts: 4, firstDelayMs: 50 },
      onAuthenticationRetry: (r) => {
        retries.push(r);
        busy = false; // the server catches up after the first miss
      },
    });
    try {
      expect(retries.map((r) => r.attempt)).toEqual([1]);
      expect(bus.isClosed).toBe(false);
      expect(bus.server).toBe(new URL(relayUrl).host);
    } finally {
      await bus.close();
    }
  });

  it("bus - a reconnecting bus that keeps missing the authentication window after an outage is not given up on, and comes back", async () => {
    busy = false;
    const bus = await connectBus({ servers: relayUrl, credentials: s.identities.organisations.get("mechelen")!, directory: s.directory });
    try {
      const timeouts: Error[] = [];
      let reconnected = false;
      void (async () => {
        for await (const e of bus.connectionEvents()) {
          if (e.kind === "error") timeouts.push(e.error);
          if (e.kind === "reconnected") reconnected = true;
        }
      })();
      busy = true;
      for (const socket of relayed) socket.destroy(); // every connection cut at once, as a server restart does
      // nats.js alone stops reconnecting after two authentication errors in a row.
      await waitFor(() => timeouts.length >= 3, { what: "three authentication timeouts while reconnecting" });
      expect(timeouts.every((e) => /authentication timeout/i.test(e.message))).toBe(true);
      expect(bus.isClosed).toBe(false);
      busy = false;
      await waitFor(() => reconnected, { what: "the bus to reconnect once the server keeps up" });
      expect(bus.isClosed).toBe(false);
    } finally {
      busy = false;
      await bus.close();
    }
  });
});
