/**
 * The development provider over real HTTP: discovery, a full authorization code flow with PKCE
 * driven through its login page (openid-client as the relying party), logout, a disabled and an
 * unknown person refused, a device sign-in approved through the user-code pages, and the demo's
 * person picker in real Chromium.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Person } from "@schakel/contracts";
import { launchBrowser, laptopPage } from "@schakel/harness/browser";
import { loadPersons, loadRegistry } from "@schakel/infra";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityProvider, type RunningIdentityProvider } from "../src/mod.ts";
import { approveDevice, SignInBrowser } from "../src/testing.ts";

const REDIRECT = "http://127.0.0.1:9/auth/callback";
const disabled: Person = {
  id: "d.former", name: "Dirk Former", organisation: "vpr", roles: ["reader"],
  disabled: { at: "2026-01-05T09:00:00.000Z", reason: "left the organisation" },
};
let persons: Person[];
let idp: RunningIdentityProvider;
let redirectUris: string[] = [];

beforeAll(async () => {
  persons = [...loadPersons(undefined, loadRegistry()), disabled];
  idp = await startIdentityProvider({ persons: () => persons, port: 0, consoleRedirectUris: () => redirectUris, onNote: () => {} });
});
afterAll(() => idp?.stop());

const insecure = { execute: [client.allowInsecureRequests] };
const consoleConfig = () => client.discovery(new URL(idp.issuer), idp.consoleClient.clientId, idp.consoleClient.clientSecret, undefined, insecure);

/** Starts a code flow with PKCE and returns what the callback needs. */
async function authorization(config: client.Configuration) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: "openid profile", state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256",
  });
  return { url: url.href, verifier, state };
}

describe("the development identity provider", () => {
  it("publishes a discovery document with code + PKCE S256, the device flow and end_session", async () => {
    const doc = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(idp.issuer);
    expect(doc.code_challenge_methods_supported).toEqual(["S256"]);
    expect(doc.device_authorization_endpoint).toBe(`${idp.issuer}/device/auth`);
    expect(doc.end_session_endpoint).toBe(`${idp.issuer}/session/end`);
    expect(doc.claims_supported).toEqual(expect.arrayContaining(["sub", "name"]));
  });

  it("signs a demo person in to the console through the code flow with PKCE, once per code, and signs out", async () => {
    redirectUris = [REDIRECT]; // known only after start, as the console's port is
    const config = await consoleConfig();
    const flow = await authorization(config);
    const browser = new SignInBrowser();
    await browser.go(flow.url);
    expect(browser.lastPage.html).toContain("Person id"); // not the demo: a person-id field
    const { stoppedAt } = await browser.signIn("e.janssens", REDIRECT);
    expect(stoppedAt).toMatch(/^http:\/\/127\.0\.0\.1:9\/auth\/callback\?code=/);
    const tokens = await client.authorizationCodeGrant(config, new URL(stoppedAt!), { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
    expect(tokens.claims()).toMatchObject({ sub: "e.janssens", name: "Els Janssens" });
    // The same code a second time: refused.
    await expect(client.authorizationCodeGrant(config, new URL(stoppedAt!), { pkceCodeVerifier: flow.verifier, expectedState: flow.state }))
      .rejects.toMatchObject({ error: "invalid_grant" });

    // Logout: the provider asks, then sends the browser back to the console.
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://127.0.0.1:9/" });
    await browser.go(end.href);
    const out = await browser.submit(/op\.logoutForm/, { logout: "yes" }, "http://127.0.0.1:9/");
    expect(out.stoppedAt).toBe("http://127.0.0.1:9/");
    // Signed out: the next sign-in shows the login page again.
    await browser.go((await authorization(config)).url);
    expect(browser.lastPage.html).toContain('name="person"');
  });

  it("refuses a code flow without PKCE", async () => {
    const config = await consoleConfig();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", state: client.randomState() });
    const { stoppedAt } = await new SignInBrowser().go(url.href, undefined, REDIRECT);
    expect(new URL(stoppedAt!).searchParams.get("error")).toBe("invalid_request");
  });

  it("refuses a disabled and an unknown person with a clear page, and signs nobody in", async () => {
    const browser = new SignInBrowser();
    await browser.go((await authorization(await consoleConfig())).url);
    const refused = await browser.signIn("d.former", REDIRECT);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("Dirk Former (d.former) is disabled since 2026-01-05T09:00:00.000Z: left the organisation");
    const unknown = await browser.signIn("x.<script>", REDIRECT);
    expect(unknown.status).toBe(403);
    expect(unknown.html).toContain("There is no person &quot;x.&lt;script&gt;&quot;");
    expect(unknown.html).not.toContain("<script>");
  });

  it("signs the command line in through the device flow, approved on the user-code page", async () => {
    const cli = await client.discovery(new URL(idp.issuer), idp.cliClient.clientId, undefined, client.None(), insecure);
    const device = await client.initiateDeviceAuthorization(cli, { scope: "openid profile" });
    expect(device.interval).toBe(1);
    const done = await approveDevice(device.verification_uri, device.user_code, "s.maes");
    expect(done.html).toContain("The command line is signed in");
    const tokens = await client.pollDeviceAuthorizationGrant(cli, device);
    expect(tokens.claims()).toMatchObject({ sub: "s.maes", name: "Sofie Maes" });
    const info = await client.fetchUserInfo(cli, tokens.access_token, "s.maes");
    expect(info.name).toBe("Sofie Maes");
  });

  it("lets a person pick themselves on the demo's login page in Chromium and returns to the client with a code", async () => {
    // The client's callback: a plain page, on a port known only now.
    const callback = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("callback reached"));
    await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
    const redirect = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/auth/callback`;
    const demo = await startIdentityProvider({ persons, port: 0, demo: true, consoleRedirectUris: () => [redirect], onNote: () => {} });
    const chromium = await launchBrowser();
    try {
      const config = await client.discovery(new URL(demo.issuer), demo.consoleClient.clientId, demo.consoleClient.clientSecret, undefined, insecure);
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirect, scope: "openid profile", state: "s1",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: "S256",
      });
      const errors: string[] = [];
      const page = await laptopPage(chromium, errors);
      await page.goto(url.href);
      expect(await page.content()).not.toContain("d.former"); // the disabled person is not offered
      await page.getByRole("button", { name: /Koen Claes/ }).click();
      await page.waitForURL((u) => u.href.startsWith(redirect));
      expect(new URL(page.url()).searchParams.get("code")).toBeTruthy();
      expect(await page.textContent("body")).toBe("callback reached");
      expect(errors).toEqual([]);
    } finally {
      await chromium.close();
      await demo.stop();
      callback.close();
    }
  });
});
