/**
 * `schakel login | whoami | logout` against the real development provider: the binary shows the
 * address and the code, a person approves on the user-code page (driven over HTTP as a browser
 * would), the session file is owner-only and names the person, whoami prints them, a command that
 * acts for another organisation is refused naming both, and logout revokes and removes the session.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityProvider, type RunningIdentityProvider } from "@schakel/identity-provider";
import { approveDevice } from "@schakel/identity-provider/testing";
import { ensureIdentities, loadPersons, loadRegistry } from "@schakel/infra";
import { runInProcess, spawnCli } from "./support/run-cli.ts";

let dir: string;
let idp: RunningIdentityProvider;
const data = () => ["--data", dir];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "schakel-login-"));
  const registry = loadRegistry();
  await ensureIdentities(registry, dir);
  idp = await startIdentityProvider({ persons: loadPersons(undefined, registry), port: 0, consoleRedirectUris: () => [], onNote: () => {} });
});
afterAll(async () => {
  await idp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the address and code once the running command has printed them. */
async function promptOf(cli: ReturnType<typeof spawnCli>): Promise<{ uri: string; code: string }> {
  for (;;) {
    const m = /Open (\S+) and enter the code (\S+)/.exec(cli.stdout());
    if (m) return { uri: m[1]!, code: m[2]! };
    const exited = await Promise.race([cli.done, new Promise((r) => setTimeout(r, 50, undefined))]);
    if (exited) throw new Error(`login ended before showing a code: ${JSON.stringify(exited)}`);
  }
}

describe("cli login", () => {
  it("login - signs in through the device flow; whoami names the person; the session file is 0600", async () => {
    const cli = spawnCli(["login", ...data(), "--issuer", idp.issuer]);
    const { uri, code } = await promptOf(cli);
    expect(uri).toBe(`${idp.issuer}/device`);
    const approved = await approveDevice(uri, code, "s.maes");
    expect(approved.html).toContain("The command line is signed in");
    const done = await cli.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/signed in as Sofie Maes \(s\.maes\) of antwerpen, livc-coordinator until /);
    expect(statSync(join(dir, "session.json")).mode & 0o777).toBe(0o600);

    const who = await runInProcess(["whoami", ...data()]);
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toContain("Sofie Maes (s.maes) of antwerpen — livc-coordinator");
    const json = await runInProcess(["whoami", ...data(), "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ signedIn: true, person: "s.maes", organisation: "antwerpen", roles: ["livc-coordinator"], issuer: idp.issuer, expired: false });
  });

  it("login - a signed-in person of another organisation cannot act as mechelen: exit 2 naming both, nothing sent", async () => {
    const r = await runInProcess(["notice", "ack", "0192f3a4-5b6c-7d8e-9f01-23456789abcd", ...data(), "--as", "mechelen", "--wait", "0"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/signed in as Sofie Maes \(s\.maes\) of antwerpen, who cannot act as mechelen/);
  });

  it("logout - revokes the token and removes the session; whoami then says nobody is signed in", async () => {
    const out = await runInProcess(["logout", ...data(), "--json"]);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ signedOut: true, person: "s.maes", revoked: true });
    expect(() => statSync(join(dir, "session.json"))).toThrow();
    const who = await runInProcess(["whoami", ...data(), "--json"]);
    expect(JSON.parse(who.stdout)).toEqual({ signedIn: false });
  });
});
