/**
 * `schakel run --org`: one organisation deployed on its own, as a real process against a real
 * nats-server, with nothing but its own credentials file and the public key directory in its
 * deployment folder. It receives a notice and answers with its receipt; bad options and files are
 * exit 2 naming what to fix; SIGTERM stops it with exit 0.
 */
import { copyFile, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsPath, directoryPath } from "@schakel/infra";
import { postNotice } from "@schakel/organisation";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { SignInBrowser } from "@schakel/identity-provider/testing";
import { spawnCli, type RunningCli } from "./support/run-cli.ts";

let s: SchakelServer;
let deployment: string;
const running: RunningCli[] = [];

beforeAll(async () => {
  s = await startSchakelServer();
  // What mechelen's own machine holds: its credentials and the public directory, nothing else.
  deployment = await mkdtemp(join(tmpdir(), "schakel-mechelen-"));
  await copyFile(credentialsPath(s.dataDir, "mechelen"), join(deployment, "mechelen.creds.json"));
  await copyFile(credentialsPath(s.dataDir, "gent"), join(deployment, "gent.creds.json"));
  await copyFile(directoryPath(s.dataDir), join(deployment, "directory.json"));
});
afterAll(async () => {
  for (const r of running) r.kill("SIGKILL");
  await s?.cleanup();
  await rm(deployment, { recursive: true, force: true });
});

const run = (...args: string[]): RunningCli => {
  const r = spawnCli(["run", "--data", join(deployment, "data"), "--server", s.url, "--directory", join(deployment, "directory.json"), ...args]);
  running.push(r);
  return r;
};

describe("cli - schakel run --org", () => {
  it("cli - a municipality runs on its own with only its credentials file: it receives a notice and answers with its receipt; SIGTERM stops it (exit 0)", async () => {
    const mechelen = run("--org", "mechelen", "--creds", join(deployment, "mechelen.creds.json"), "--json");
    await waitFor(() => mechelen.stdout().includes("\n"), { what: `schakel run to be ready (stderr: ${mechelen.stderr()})`, timeoutMs: 30_000 });
    const ready = JSON.parse(mechelen.stdout().trim()) as { org: string; services: string[]; healthUrl: string; logFile: string };
    expect(ready).toMatchObject({ org: "mechelen", services: ["local"] });
    const readyz = await fetch(`${ready.healthUrl}/readyz`);
    expect(readyz.status).toBe(200);

    const ocam = await s.connectAs("fed-ocam");
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "Release of a detainee", body: "Released next week.", category: "detainee-release" });
    await waitFor(async () => (await storedOfType(await s.jsm(), "notice.delivered", "mechelen")).some((m) => m.envelope.data.noticeId === posted.noticeId),
      { what: "mechelen's receipt for the notice" });
    expect((await stat(ready.logFile)).mode & 0o777).toBe(0o600);
    // The deployment wrote only its own log: no other organisation's files appeared.
    expect(await readdir(join(deployment, "data", "logs"))).toEqual(["mechelen.log"]);

    mechelen.kill("SIGTERM");
    const end = await mechelen.done;
    expect(end.code).toBe(0);
  });

  it("cli - with --console it serves the organisation's own console: its people sign in and see its viewpoint; a person of another organisation cannot sign in", async () => {
    const mechelen = run("--org", "mechelen", "--creds", join(deployment, "mechelen.creds.json"), "--console", "--console-port", "0", "--idp-port", "0", "--json", "--data", join(deployment, "with-console"));
    await waitFor(() => mechelen.stdout().includes("\n"), { what: `schakel run --console to be ready (stderr: ${mechelen.stderr()})`, timeoutMs: 30_000 });
    const ready = JSON.parse(mechelen.stdout().trim()) as { consoleUrl: string; issuer: string };

    const ocam = await s.connectAs("fed-ocam");
    const posted = await postNotice(ocam, { to: ["mechelen"], title: "For the municipality", body: "Read it in your own console.", category: "event-warning" });
    const other = await postNotice(ocam, { to: ["gent"], title: "For gent only", body: "Not for mechelen.", category: "event-warning" });

    const browser = new SignInBrowser();
    await browser.go(new URL("login", ready.consoleUrl).href);
    expect(browser.lastPage.url.startsWith(ready.issuer)).toBe(true);
    const home = await browser.signIn("m.peeters");
    expect(home.status, home.html.slice(0, 400)).toBe(200);
    const me = await browser.go(new URL("api/me", ready.consoleUrl).href);
    expect(JSON.parse(me.html)).toMatchObject({ person: "m.peeters", organisation: "mechelen" });
    await waitFor(async () => (await browser.go(new URL(`api/notices/${posted.noticeId}`, ready.consoleUrl).href)).status === 200, { what: "the notice in mechelen's own console" });
    expect((await browser.go(new URL(`api/notices/${other.noticeId}`, ready.consoleUrl).href)).status).toBe(404);

    const stranger = new SignInBrowser();
    await stranger.go(new URL("login", ready.consoleUrl).href);
    const refused = await stranger.signIn("e.janssens");
    expect(refused.status).toBe(403);

    mechelen.kill("SIGTERM");
    expect((await mechelen.done).code).toBe(0);
  });

  it("cli - stopped while it still waits for an unreachable bus, it ends at once with exit 0", async () => {
    const waiting = spawnCli(["run", "--data", join(deployment, "waiting"), "--server", "nats://127.0.0.1:1", "--directory", join(deployment, "directory.json"), "--org", "gent", "--creds", join(deployment, "gent.creds.json")]);
    running.push(waiting);
    await waitFor(() => waiting.stderr().includes("waits until the bus is up"), { what: "schakel run to wait for the bus" });
    waiting.kill("SIGTERM");
    expect((await waiting.done).code).toBe(0);
  });

  it("cli - another organisation's credentials file or an unknown organisation is refused with exit 2 naming what to pass", async () => {
    const [wrongFile, unknown] = await Promise.all([
      run("--org", "mechelen", "--creds", join(deployment, "gent.creds.json")).done,
      run("--org", "atlantis", "--creds", join(deployment, "mechelen.creds.json")).done,
    ]);
    expect(wrongFile.code).toBe(2);
    expect(wrongFile.stderr).toContain(`holds the credentials of "gent", not "mechelen"`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`--org "atlantis" is not in the key directory`);
  });
});
