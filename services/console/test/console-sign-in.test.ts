/**
 * Signing in to the console through the real identity provider, in real Chromium: a platform
 * coordinator, a municipality's LIVC member and a liaison each see their own organisation's
 * viewpoint and no other, and the acknowledgement names the person who made it. Then every way in
 * that must fail does: anonymous, a person of an organisation this console does not serve, a
 * disabled person, an expired session, a missing or wrong CSRF token, a replayed authorization
 * code, a changed cookie, bad API tokens, a role that may not act — each a 401/403 (or the sign-in
 * page), and nothing is published. The outcomes are written as a table into docs/SECURITY.md.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIRequestContext, Browser, BrowserContext, Page } from "playwright-core";
import { STREAMS, type Person } from "@schakel/contracts";
import { apiTokensPath, issueApiToken, revokeApiToken } from "@schakel/infra";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { startIdentityProvider, type RunningIdentityProvider } from "@schakel/identity-provider";
import { SESSION_COOKIE, startConsole, type RunningConsole } from "../src/mod.ts";
import { laptopPage, launchBrowser, screenshot } from "./browser.ts";
import { runDemoFlow, type DemoFlow } from "./demo-flow.ts";
import { bearer, demoPersons, signInPage } from "./sign-in.ts";

const SECURITY_MD = fileURLToPath(new URL("../../../docs/SECURITY.md", import.meta.url));
const BEGIN = "<!-- BEGIN console sign-in matrix (written by services/console/test/console-sign-in.test.ts) -->";
const END = "<!-- END console sign-in matrix -->";
/** The organisations this console holds keys for (and so serves). */
const HELD = ["vpr", "mechelen", "vilvoorde", "fed-ocam"];

let bus: SchakelServer;
let provider: RunningIdentityProvider;
let consoleApp: RunningConsole;
let browser: Browser;
let demo: DemoFlow;
let persons: Person[];
/** The console's clock runs this far ahead (an expired session without waiting 60 minutes). */
let skewMs = 0;
const signInMs: Record<string, number> = {};
const errors: string[] = [];
const at = (path: string) => new URL(path, consoleApp.url).href;

interface Row { attempt: string; request: string; expected: string; got: string }
const rows: Row[] = [];
/** Runs one attempt, records its outcome, and checks it is the expected one. */
async function attempt(row: Omit<Row, "got">, send: () => Promise<{ status: number; code?: string }>): Promise<void> {
  const { status, code } = await send();
  const got = `${status}${code ? ` ${code}` : ""}`;
  rows.push({ ...row, got });
  expect(got, row.attempt).toBe(row.expected);
}
const answer = async (res: { status(): number; text(): Promise<string> }): Promise<{ status: number; code?: string }> => {
  const text = await res.text();
  const code = /"code":"([a-z-]+)"/.exec(text)?.[1] ?? /data-denial="([a-z-]+)"/.exec(text)?.[1];
  return { status: res.status(), ...(code ? { code } : {}) };
};
const coordCount = async () => (await (await bus.jsm()).streams.info(STREAMS.coord.name)).state.messages;

/** A browser context signed in as `person`; its `request` shares the cookies. */
async function signedIn(person: string): Promise<{ page: Page; context: BrowserContext; request: APIRequestContext; csrf: string }> {
  const page = await laptopPage(browser, errors);
  const before = errors.length;
  signInMs[person] = await signInPage(page, consoleApp.url, person);
  // The provider's pages are not the console's (the browser notes their missing favicon).
  errors.splice(before);
  const csrf = (await page.locator("form[action='/logout'] input[name=_csrf]").getAttribute("value")) ?? "";
  return { page, context: page.context(), request: page.context().request, csrf };
}

beforeAll(async () => {
  bus = await startSchakelServer();
  persons = [...demoPersons(bus), { id: "r.verlinden", name: "Rita Verlinden", organisation: "mechelen", roles: ["livc-member"] }];
  let consoleUrl = "";
  provider = await startIdentityProvider({ persons: () => persons, port: 0, demo: true, consoleRedirectUris: () => (consoleUrl ? [`${consoleUrl}auth/callback`] : []), onNote: () => undefined });
  consoleApp = await startConsole({
    servers: bus.url, directory: bus.directory, credentials: new Map(HELD.map((o) => [o, bus.identities.organisations.get(o)!])),
    apiTokens: apiTokensPath(bus.dataDir), port: 0, onNote: () => undefined, sessions: { now: () => Date.now() + skewMs },
    signIn: { issuer: provider.issuer, clientId: provider.consoleClient.clientId, clientSecret: provider.consoleClient.clientSecret, persons: () => persons, demo: true },
  });
  consoleUrl = consoleApp.url;
  await consoleApp.caughtUp;
  demo = await runDemoFlow(bus);
  await waitFor(() => consoleApp.model.notices.notices.get(demo.noticeId)?.receipts.get("mechelen")?.acknowledgedAt, { what: "the demo flow in the console" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.stop();
  await provider?.stop();
  await bus?.cleanup();
  if (Object.keys(signInMs).length) console.log("console sign-in through the provider in Chromium (ms):", signInMs);
});

describe("console sign-in", () => {
  it("console sign-in - a coordinator, a LIVC member and a liaison sign in in Chromium and each sees only their organisation", async () => {
    const seen: Record<string, { organisation: string; feedSenders: string[] }> = {};
    for (const person of ["e.janssens", "m.peeters", "p.lambert"]) {
      const { page, context } = await signedIn(person);
      // Asking for another viewpoint in the URL changes nothing.
      await page.goto(at("/feed?as=vpr"));
      const senders = await page.locator("table.feed tbody tr td:nth-child(3)").allTextContents();
      const audiences = await page.locator("table.feed tbody tr td:nth-child(4)").allTextContents();
      const me = (await (await context.request.get(at("/api/me?as=vpr"))).json()) as { person: string; organisation: string };
      expect(me.person).toBe(person);
      seen[person] = { organisation: me.organisation, feedSenders: senders };
      if (me.organisation !== "vpr") senders.forEach((s, i) => expect(s === me.organisation || [me.organisation, "all", "local", "federal"].includes(audiences[i]!), `${person}: ${s} → ${audiences[i]}`).toBe(true));
      await context.close();
    }
    expect(Object.fromEntries(Object.entries(seen).map(([p, s]) => [p, s.organisation]))).toEqual({ "e.janssens": "vpr", "m.peeters": "mechelen", "p.lambert": "fed-ocam" });
    // The platform sees every flow; the others fewer, and not the same ones.
    expect(seen["m.peeters"]!.feedSenders.length).toBeLessThan(seen["e.janssens"]!.feedSenders.length);
    expect(seen["p.lambert"]!.feedSenders.length).toBeLessThan(seen["e.janssens"]!.feedSenders.length);
    expect(errors).toEqual([]);
  });

  it("console sign-in - the LIVC member acknowledges a notice in the browser and the acknowledgement names them", async () => {
    const liaison = issueApiToken(apiTokensPath(bus.dataDir), "p.lambert").token;
    const res = await fetch(at("/api/notices"), {
      method: "POST", headers: { "content-type": "application/json", ...bearer(liaison) },
      body: JSON.stringify({ recipients: ["mechelen"], title: "Acknowledge me, please", body: "Text", category: "information", ackRequired: true }),
    });
    expect(res.status).toBe(201);
    const { noticeId } = (await res.json()) as { noticeId: string };
    await waitFor(() => consoleApp.model.notices.notices.get(noticeId)?.receipts.get("mechelen")?.deliveredAt !== undefined || consoleApp.model.notices.notices.get(noticeId)?.known, { what: "the notice in the console" });
    const { page, context } = await signedIn("m.peeters");
    await page.goto(at(`/notices/${noticeId}`));
    await page.fill("#ack-remark", "Seen by Marc");
    await page.click("form.acknowledge button[type=submit]");
    await page.waitForURL(/acknowledged=1/);
    const row = page.locator('table.matrix tr[data-recipient="mechelen"]');
    await row.locator(".actor").waitFor();
    expect(await row.locator(".actor").textContent()).toContain("Marc Peeters");
    expect(await row.locator(".actor").getAttribute("data-actor")).toMatch(/^p-[a-z2-7]{16}$/);
    await screenshot(page, "acknowledged-by-person");
    await context.close();
    expect(errors).toEqual([]);
  });

  it("console sign-in - every way in that must fail is refused and publishes nothing", async () => {
    // Set-up, before counting: a notice for vilvoorde alone (the LIVC member of mechelen must not see it).
    const vilvoordeOnly = await postTo("vilvoorde");
    const before = await coordCount();
    const tokens = apiTokensPath(bus.dataDir);
    const notice = JSON.stringify({ recipients: ["mechelen"], title: "Must not be sent", body: "Text", category: "information" });
    const json = { "content-type": "application/json" };
    const raw = (path: string, init: RequestInit = {}) => fetch(at(path), { redirect: "manual", ...init });
    const plain = async (res: Response) => answer({ status: () => res.status, text: () => res.text() });

    await attempt({ attempt: "anonymous page", request: "GET /notices", expected: "303" }, async () => plain(await raw("/notices")));
    await attempt({ attempt: "anonymous API read", request: "GET /api/messages", expected: "401 unauthenticated" }, async () => plain(await raw("/api/messages")));
    await attempt({ attempt: "anonymous post", request: "POST /api/notices", expected: "401 unauthenticated" }, async () => plain(await raw("/api/notices", { method: "POST", headers: json, body: notice })));
    await attempt({ attempt: "anonymous health check (no organisation data)", request: "GET /api/health", expected: "200" }, async () => plain(await raw("/api/health")));

    // A changed session cookie finds no session.
    const member = await signedIn("m.peeters");
    const cookie = (await member.context.cookies()).find((c) => c.name === SESSION_COOKIE)!;
    const tampered = `${cookie.value.slice(0, -1)}${cookie.value.endsWith("A") ? "B" : "A"}`;
    await attempt({ attempt: "tampered session cookie", request: "GET /api/messages", expected: "401 unauthenticated" }, async () =>
      plain(await raw("/api/messages", { headers: { cookie: `${SESSION_COOKIE}=${tampered}` } })));

    // CSRF: the session alone is not enough to change anything.
    await attempt({ attempt: "post without CSRF token (session)", request: "POST /api/notices", expected: "403 csrf" }, async () =>
      answer(await member.request.post(at("/api/notices"), { headers: json, data: notice, maxRedirects: 0 })));
    await attempt({ attempt: "acknowledge with a wrong CSRF token", request: `POST /notices/:id/acknowledge`, expected: "403 csrf" }, async () =>
      answer(await member.request.post(at(`/notices/${demo.noticeId}/acknowledge`), { headers: { origin: new URL(consoleApp.url).origin }, form: { _csrf: "x".repeat(43), remark: "forged" }, maxRedirects: 0 })));
    await attempt({ attempt: "form from another site (session cookie sent)", request: "POST /post (Origin elsewhere)", expected: "403" }, async () =>
      answer(await member.request.post(at("/post"), { headers: { origin: "http://elsewhere.example" }, form: { _csrf: member.csrf, recipients: "all", title: "Hello", body: "x", category: "information" }, maxRedirects: 0 })));

    // Roles and organisations.
    await attempt({ attempt: "LIVC member posts a notice", request: "POST /api/notices (+CSRF)", expected: "403 role-not-allowed" }, async () =>
      answer(await member.request.post(at("/api/notices"), { headers: { ...json, "x-csrf-token": member.csrf }, data: notice, maxRedirects: 0 })));
    await attempt({ attempt: "LIVC member asks for another organisation's notice", request: "GET /api/notices/:id (vilvoorde's only) ?as=vpr", expected: "404 not-found" }, async () => {
      const id = vilvoordeOnly;
      return answer(await member.request.get(at(`/api/notices/${id}?as=vpr`)));
    });
    await attempt({ attempt: "LIVC member asks for the platform's refused messages", request: "GET /api/refused", expected: "403 not-allowed" }, async () => answer(await member.request.get(at("/api/refused"))));
    const operator = issueApiToken(tokens, "t.wouters").token;
    await attempt({ attempt: "operator (token) posts a notice", request: "POST /api/notices", expected: "403 role-not-allowed" }, async () =>
      plain(await raw("/api/notices", { method: "POST", headers: { ...json, ...bearer(operator) }, body: notice })));
    const gent = issueApiToken(tokens, "j.de-smet").token;
    await attempt({ attempt: "person of an organisation this console does not serve (token)", request: "GET /api/messages", expected: "403 organisation-not-held" }, async () =>
      plain(await raw("/api/messages", { headers: bearer(gent) })));
    await attempt({ attempt: "person of an organisation this console does not serve (sign-in)", request: "GET /auth/callback", expected: "403 organisation-not-held" }, async () => {
      const page = await laptopPage(browser, []);
      const callback = page.waitForResponse((r) => r.url().startsWith(at("/auth/callback")));
      await page.goto(at("/login"));
      await page.locator('form:has(input[name="person"][value="j.de-smet"]) button').click();
      const res = await callback;
      const outcome = await answer(res);
      await page.context().close();
      return outcome;
    });
    const unknown = issueApiToken(tokens, "x.nobody").token;
    await attempt({ attempt: "API token of a person not in the persons file", request: "GET /api/messages", expected: "403 unknown-person" }, async () => plain(await raw("/api/messages", { headers: bearer(unknown) })));
    await attempt({ attempt: "malformed API token", request: "GET /api/messages", expected: "401 unauthenticated" }, async () => plain(await raw("/api/messages", { headers: bearer("schakel_nothing") })));
    const revoked = issueApiToken(tokens, "e.janssens");
    revokeApiToken(tokens, revoked.entry.id);
    await attempt({ attempt: "revoked API token", request: "GET /api/messages", expected: "401 unauthenticated" }, async () => plain(await raw("/api/messages", { headers: bearer(revoked.token) })));

    // A disabled person: their token and their open session stop working at once.
    const rita = await signedIn("r.verlinden");
    const ritaToken = issueApiToken(tokens, "r.verlinden").token;
    expect((await raw("/api/messages", { headers: bearer(ritaToken) })).status).toBe(200);
    persons = persons.map((p) => (p.id === "r.verlinden" ? { ...p, disabled: { at: new Date().toISOString(), reason: "left the organisation" } } : p));
    await attempt({ attempt: "disabled person (token)", request: "GET /api/messages", expected: "403 disabled-person" }, async () => plain(await raw("/api/messages", { headers: bearer(ritaToken) })));
    await attempt({ attempt: "disabled person (open session)", request: "GET /api/messages", expected: "403 disabled-person" }, async () => answer(await rita.request.get(at("/api/messages"))));
    await rita.context.close();

    // A replayed authorization code: the callback a sign-in used, sent again.
    const page = await laptopPage(browser, []);
    let callbackUrl = "";
    page.on("request", (r) => {
      if (r.url().startsWith(at("/auth/callback"))) callbackUrl = r.url();
    });
    await signInPage(page, consoleApp.url, "p.lambert");
    const sessions = consoleApp.sessions.size;
    await attempt({ attempt: "replayed authorization code", request: "GET /auth/callback?code=… (again)", expected: "401 sign-in-failed" }, async () => plain(await raw(callbackUrl.replace(consoleApp.url, "/"))));
    await attempt({ attempt: "replayed authorization code inside a new sign-in of the same browser", request: "GET /login, then the old /auth/callback?code=…", expected: "401 sign-in-failed" }, async () => {
      await page.context().request.get(at("/login"), { maxRedirects: 0 });
      return answer(await page.context().request.get(callbackUrl, { maxRedirects: 0 }));
    });
    expect(consoleApp.sessions.size).toBe(sessions);
    await page.context().close();

    // An expired session: 61 minutes without a request.
    skewMs = 61 * 60_000;
    await attempt({ attempt: "session idle for more than 60 minutes", request: "GET /api/messages", expected: "401 session-expired" }, async () => answer(await member.request.get(at("/api/messages"))));
    await attempt({ attempt: "page after the session ended", request: "GET /notices", expected: "303" }, async () => answer(await member.request.get(at("/notices"), { maxRedirects: 0 })));
    skewMs = 0;
    await member.context.close();

    expect(await coordCount(), "nothing published by any refused request").toBe(before);
    expect(errors.filter((e) => !/status of (401|403|404)/.test(e))).toEqual([]);
  });

  it("console sign-in - the table in docs/SECURITY.md is the one this run produced", async () => {
    expect(rows.length).toBeGreaterThan(15);
    const table = [
      BEGIN,
      "",
      "| # | attempt | request | answer |",
      "|---|---|---|---|",
      ...rows.map((r, i) => `| ${i + 1} | ${r.attempt} | \`${r.request}\` | ${r.got}${r.got === r.expected ? "" : ` (expected ${r.expected})`} |`),
      "",
      END,
    ].join("\n");
    const text = await readFile(SECURITY_MD, "utf8");
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start >= 0 && end > start, "docs/SECURITY.md has the console sign-in matrix markers").toBe(true);
    const current = text.slice(start, end + END.length);
    if (current !== table) await writeFile(SECURITY_MD, text.slice(0, start) + table + text.slice(end + END.length));
    expect((await readFile(SECURITY_MD, "utf8")).includes(table)).toBe(true);
  });
});

/** Posts a notice for `org` alone, as OCAM's liaison, and waits for it in the console. */
async function postTo(org: string): Promise<string> {
  const token = issueApiToken(apiTokensPath(bus.dataDir), "p.lambert").token;
  const res = await fetch(at("/api/notices"), {
    method: "POST", headers: { "content-type": "application/json", ...bearer(token) },
    body: JSON.stringify({ recipients: [org], title: `Only for ${org}`, body: "Text", category: "information" }),
  });
  const { noticeId } = (await res.json()) as { noticeId: string };
  await waitFor(() => consoleApp.model.notices.notices.get(noticeId)?.known, { what: `the notice for ${org}` });
  return noticeId;
}
