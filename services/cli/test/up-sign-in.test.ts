/**
 * `schakel up` with its development sign-in: the provider starts on the port asked (taken here, so
 * it says so and takes a free one), its issuer is in the summary and in connection.json, the
 * summary names a person to sign in as, the console signs that person in through it, and
 * `schakel login` finds the provider through connection.json alone. One real `up` process (without the level services).
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@schakel/harness";
import { approveDevice, SignInBrowser } from "@schakel/identity-provider/testing";
import { sentNotice } from "@schakel/organisation";
import { withBus } from "../src/context.ts";
import type { UpSummary } from "../src/up/summary.ts";
import { runInProcess, spawnCli, type RunningCli } from "./support/run-cli.ts";

let tmp: string;
let data: string;
let held: net.Server;
let up: RunningCli;
let summary: UpSummary;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "schakel-up-sign-in-"));
  data = join(tmp, ".schakel");
  // A port another program holds: the provider must say so and take a free one.
  held = await new Promise<net.Server>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => resolve(srv));
  });
  const heldPort = (held.address() as net.AddressInfo).port;
  up = spawnCli(["--data", data, "up", "--json", "--no-services", "--idp-port", String(heldPort)], { SCHAKEL_CONSOLE_PORT: "0" }, tmp);
  const line = await waitFor(() => up.stdout().split("\n").find((l) => l.startsWith("{")), { timeoutMs: 60_000, what: "the summary of up" })
    .catch((err: Error) => { throw new Error(`${err.message}\n${up.stderr()}`); });
  summary = JSON.parse(line) as UpSummary;
}, 90_000);
afterAll(async () => {
  up?.kill("SIGINT");
  await up?.done;
  held?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("up with sign-in", () => {
  it("up - starts the provider (a taken port replaced, said in a line), writes its issuer and names a person to sign in as", async () => {
    const heldPort = (held.address() as net.AddressInfo).port;
    expect(up.stderr()).toContain(`sign-in: port ${heldPort} is taken: listening on a free port instead, ${new URL(summary.issuer).port}`);
    expect(summary.signInAs).toEqual({ id: "e.janssens", name: "Els Janssens", organisation: "vpr", roles: ["platform-coordinator", "liaison"] });
    const connection = JSON.parse(readFileSync(join(data, "connection.json"), "utf8")) as { issuer?: string };
    expect(connection.issuer).toBe(summary.issuer);
    const discovery = (await (await fetch(`${summary.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(summary.issuer);
  });

  it("up - the console signs a person in through the provider (its redirect URI known only after it listened)", async () => {
    const browser = new SignInBrowser();
    await browser.go(new URL("login", summary.consoleUrl!).href);
    expect(browser.lastPage.url.startsWith(summary.issuer)).toBe(true);
    const home = await browser.signIn("e.janssens");
    expect(home.status, home.html.slice(0, 500)).toBe(200);
    expect(browser.lastPage.url.startsWith(summary.consoleUrl!)).toBe(true);
    expect(home.html).toContain("Els Janssens");
  });

  it("login - finds the provider through connection.json; whoami then names the person", async () => {
    const cli = spawnCli(["--data", data, "login"], {}, tmp);
    const [, uri, code] = await waitFor(() => /Open (\S+) and enter the code (\S+)/.exec(cli.stdout()) ?? undefined, { timeoutMs: 20_000, what: "the code" });
    await approveDevice(uri!, code!, "e.janssens");
    const done = await cli.done;
    expect(done.code, done.stderr).toBe(0);
    const who = await runInProcess(["whoami", "--data", data, "--json"]);
    expect(JSON.parse(who.stdout)).toMatchObject({ person: "e.janssens", organisation: "vpr", issuer: summary.issuer });
  });

  it("notice post - carries the signed-in person on the message, in the role the action allows", async () => {
    const posted = await runInProcess(["notice", "post", "--data", data, "--as", "vpr", "--to", "mechelen", "--title", "Sign-in check", "--body", "Posted by a person.", "--json"]);
    expect(posted.code, posted.stderr).toBe(0);
    const { noticeId, actor } = JSON.parse(posted.stdout) as { noticeId: string; actor: unknown };
    expect(actor).toEqual({ person: "e.janssens", role: "liaison" });
    // The sender's record keeps the actor read back from the signed envelope it sent.
    const record = await withBus("vpr", { data, wait: "0" }, (bus) => sentNotice(bus, noticeId));
    expect(record?.actor).toEqual({ pseudonym: expect.stringMatching(/^p-[a-z2-7]{16}$/), role: "liaison" });
  });
});
