/**
 * When the embedded nats-server is not ready in time, the error says so with the server's real
 * last lines (flushed to the log file too), whether it was still working, and what to do; and the
 * timeout grows with the registry. A real nats-server runs under a small shell wrapper (through
 * NATS_SERVER_BIN): the ports file it writes names its own pid, not the one the start waits for,
 * so it never counts as ready while it runs and logs as usual.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureIdentities, loadRegistry, type Identities } from "../src/mod.ts";
import { EmbeddedServerError, findNatsServerBinary, startEmbeddedServer, startTimeoutFor } from "../src/embedded/mod.ts";

const registry = loadRegistry();
let dir: string;
let identities: Identities;
let previousBin: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "schakel-start-timeout-"));
  identities = await ensureIdentities(registry, dir);
  const wrapper = join(dir, "nats-server-wrapped");
  // Passes a stop on to the server, so no server outlives the test.
  await writeFile(wrapper, `#!/bin/sh\ntrap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT\n${JSON.stringify(findNatsServerBinary())} "$@" &\nchild=$!\nwait $child\n`);
  await chmod(wrapper, 0o755);
  previousBin = process.env.NATS_SERVER_BIN;
  process.env.NATS_SERVER_BIN = wrapper;
});
afterAll(async () => {
  if (previousBin === undefined) delete process.env.NATS_SERVER_BIN;
  else process.env.NATS_SERVER_BIN = previousBin;
  await rm(dir, { recursive: true, force: true });
});

describe("embedded - start timeout", () => {
  it("embedded - a server not ready in time is reported with its last log lines, the log file and what to do", async () => {
    const error = await startEmbeddedServer({ dataDir: dir, registry, identities, startTimeoutMs: 1_500 }).then(
      () => { throw new Error("expected the start to time out"); },
      (e: unknown) => e as EmbeddedServerError,
    );
    expect(error).toBeInstanceOf(EmbeddedServerError);
    expect(error.message).toMatch(/^nats-server did not start: not ready within \d+ s, (it stopped making progress|it was still starting)/);
    expect(error.message).toContain("SCHAKEL_SERVER_START_TIMEOUT=<seconds>");
    const logFile = join(dir, "logs", "nats-server.log");
    expect(error.message).toContain(logFile);
    expect(error.message).toContain("its last lines:\n");
    expect(error.message).toContain("Server is ready"); // the server's own words, quoted in the error
    expect(error.serverOutput).toContain("Listening for client connections");
    expect(await readFile(logFile, "utf8")).toContain("Server is ready"); // on disk when the error is read
  });

  it("embedded - the start timeout grows with the registry, and SCHAKEL_SERVER_START_TIMEOUT overrides it", () => {
    const withOrgs = (n: number) => ({ organisations: Array.from({ length: n }, () => registry.organisations[0]!) });
    expect(startTimeoutFor(withOrgs(13), {})).toBe(16_300);
    expect(startTimeoutFor(withOrgs(600), {})).toBe(75_000);
    expect(startTimeoutFor(withOrgs(600), { SCHAKEL_SERVER_START_TIMEOUT: "200" })).toBe(200_000);
    expect(startTimeoutFor(withOrgs(600), { SCHAKEL_SERVER_START_TIMEOUT: "soon" })).toBe(75_000);
  });
});
