/**
 * End to end in real headless Chromium: a secured bus, the console reading it as the platform,
 * the demo scenario, the real CLI posting and acknowledging. Screenshots of every page go to
 * test-artifacts/console/.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { STREAMS } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import type { RunningConsole } from "../src/mod.ts";
import { consoleWithProvider, demoPersons, signInPage, type SignedInConsole } from "./sign-in.ts";
import { laptopPage, launchBrowser, screenshot } from "./browser.ts";
import { schakel } from "./cli.ts";
import { runDemoFlow, type DemoFlow } from "./demo-flow.ts";

let bus: SchakelServer;
let consoleApp: RunningConsole;
let browser: Browser;
let page: Page;
let demo: DemoFlow;
/** The notice the CLI posts in the live-feed test; the matrix test acknowledges it. */
let cliNoticeId: string;
let signedIn: SignedInConsole;
const errors: string[] = [];
const at = (path: string) => new URL(path, consoleApp.url).href;

beforeAll(async () => {
  bus = await startSchakelServer();
  signedIn = await consoleWithProvider(bus, () => demoPersons(bus));
  consoleApp = signedIn.console;
  await consoleApp.caughtUp;
  demo = await runDemoFlow(bus);
  await waitFor(() => consoleApp.model.notices.notices.get(demo.noticeId)?.receipts.get("mechelen")?.acknowledgedAt, { what: "the demo flow in the console" });
  browser = await launchBrowser();
  page = await laptopPage(browser, errors);
  // The platform coordinator (also a liaison of the platform): sees every flow, may post.
  await signInPage(page, consoleApp.url, "e.janssens");
});

beforeEach(() => {
  errors.length = 0;
});

afterAll(async () => {
  await browser?.close();
  await signedIn?.stop();
  await bus?.cleanup();
});

describe("console in a browser", () => {
  it("console - the dashboard loads with figures, latest messages and the flow between the levels", async () => {
    await page.goto(at("/"));
    await expect(page.title()).resolves.toContain("Overview");
    await page.locator("tbody[data-live-feed] tr").first().waitFor();
    expect(await page.locator("tbody[data-live-feed] tr").count()).toBe(10);
    expect(await page.locator(".tile .value").first().textContent()).toMatch(/^\d+/);
    expect(await page.locator("svg.flowchart path.band").count()).toBeGreaterThan(2);
    await screenshot(page, "overview");
    expect(errors).toEqual([]);
  });

  it("console - a notice posted with the CLI appears in the live feed within 2 s", async () => {
    await page.goto(at("/feed"));
    await page.locator("[data-live-status][data-state=live]").waitFor();
    const title = `CLI notice ${Date.now()}`;
    const row = page.locator("tbody[data-live-feed] tr", { hasText: title }).first();
    const seen = row.waitFor({ timeout: 30_000 }).then(() => Date.now());
    const posted = await schakel<{ noticeId: string }>(bus, ["notice", "post", "--as", "fed-ocam", "--to", "mechelen,vilvoorde", "--title", title, "--body", "Posted from the command line.", "--ack-by", "1h"]);
    const acked = Date.now();
    const appeared = await seen;
    expect(appeared - acked).toBeLessThan(2_000);
    expect(await row.locator("td").nth(1).textContent()).toBe("notice.posted");
    expect(posted.noticeId).toMatch(/^[0-9a-f-]{36}$/);
    cliNoticeId = posted.noticeId;
    await screenshot(page, "feed");
    expect(errors).toEqual([]);
  });

  it("console - acknowledging a notice updates its recipients matrix without a reload", async () => {
    const noticeId = cliNoticeId;
    await page.goto(at(`/notices/${noticeId}`));
    const mechelen = page.locator('table.matrix tr[data-recipient="mechelen"]');
    await expect(mechelen.getAttribute("data-state")).resolves.toBe("pending");
    await schakel(bus, ["notice", "ack", noticeId, "--as", "mechelen", "--remark", "Seen by the local cell"]);
    await page.locator('table.matrix tr[data-recipient="mechelen"][data-state="acknowledged"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('table.matrix tr[data-recipient="vilvoorde"]').getAttribute("data-state")).toBe("pending");
    expect(await page.locator('table.matrix tr[data-recipient="mechelen"]').textContent()).toContain("Seen by the local cell");
    await screenshot(page, "notice-matrix");
    await page.goto(at("/notices"));
    await screenshot(page, "notices");
    expect(errors).toEqual([]);
  });

  it("console - an invalid notice form shows the errors at their fields and publishes nothing", async () => {
    const jsm = await bus.jsm();
    const before = (await jsm.streams.info(STREAMS.coord.name)).state.messages;
    await page.goto(at("/post"));
    await page.fill("#f-title", "ab");
    await page.fill("#f-body", "Too short a title, no recipient, no category.");
    await page.click("form.post button[type=submit]");
    await page.locator("#err-title").waitFor();
    expect(await page.locator("#err-title").textContent()).toContain("Title");
    expect(await page.locator("#err-recipients").textContent()).toContain("Recipients");
    expect(await page.locator("#err-category").textContent()).toContain("Category");
    expect(await page.getAttribute("#f-title", "aria-invalid")).toBe("true");
    expect(await page.getAttribute("#f-title", "aria-describedby")).toContain("err-title");
    expect(await page.inputValue("#f-body")).toBe("Too short a title, no recipient, no category.");
    await expect(page.evaluate("document.activeElement?.classList.contains('error-summary')")).resolves.toBe(true);
    await screenshot(page, "post-invalid");
    expect((await jsm.streams.info(STREAMS.coord.name)).state.messages).toBe(before);
    // The refused form is answered with 422, which the browser logs; nothing else may fail.
    expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
  });

  it("console - a valid notice form publishes one copy per recipient and opens the notice", async () => {
    await page.goto(at("/post"));
    await page.check('input[name=recipients][value="gent"]');
    await page.check('input[name=recipients][value="leuven"]');
    await page.fill("#f-title", "Event warning for the weekend");
    await page.fill("#f-body", "Large gathering expected; stay alert to tensions.");
    await page.selectOption("#f-category", "event-warning");
    await page.selectOption("#f-preventionTier", "primary");
    await page.check('input[name=extremismForms][value="far-left"]');
    await page.fill("#f-ackBy", new Date(Date.now() + 86_400_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
    await screenshot(page, "post-form");
    await page.click("form.post button[type=submit]");
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    // On a busy machine the console may still be reading the notice back: its page says so and looks again.
    await page.locator("table.matrix").waitFor();
    const noticeId = page.url().split("/").pop()!;
    const n = consoleApp.model.notices.notices.get(noticeId)!;
    expect(n.audiences.sort()).toEqual(["gent", "leuven"]);
    // Sent as the signed-in person's organisation (the platform coordinator of vpr), no other.
    expect(n.sender).toBe("vpr");
    expect(await page.locator("#f-from").count()).toBe(0);
    expect(await page.locator("table.matrix tbody tr").count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it("console - the page of a notice still being read in says so, and shows the notice once it is read in", async () => {
    // A post this console knows of and has not read back (as when its feed lags on a busy machine).
    const noticeId = randomUUID();
    const title = `Still being read in ${Date.now()}`;
    consoleApp.recentPosts.remember({ noticeId, from: "vpr", title, at: Date.now() });
    const pending = await page.goto(at(`/notices/${noticeId}`));
    expect(pending?.status()).toBe(202);
    expect(await page.locator("h1").textContent()).toBe(title);
    expect(await page.locator(".notice-pending[role=status]").count()).toBe(1);
    expect(await page.locator(`.notice-pending a[href="/notices/${noticeId}"]`).count()).toBe(1);
    // Now the notice is really posted, in the same browser session (its cookie and CSRF token); the
    // page's script sees it read in and loads the page again, without a hand on the keyboard.
    const csrf = await page.locator("input[name=_csrf]").first().inputValue();
    const posted = (await page.request.post(at("/api/notices"), {
      headers: { "x-csrf-token": csrf },
      data: { noticeId, recipients: ["gent"], title, body: "Read in while its page waited.", category: "information" },
    })).status();
    expect(posted).toBe(201);
    await page.locator("table.matrix").waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(at(`/notices/${noticeId}`));
    expect(await page.locator(".notice-pending").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("console - the trace view of the demo scenario renders three lanes with timings and the missing acknowledgement", async () => {
    await page.goto(at(`/traces/${demo.traceId}`));
    const lanes = await page.locator("svg.sequence [data-lane]").evaluateAll((els) => els.map((e) => e.getAttribute("data-lane")));
    expect(lanes).toEqual(["local", "flemish", "federal"]);
    expect(await page.locator("svg.sequence g.step").count()).toBe(6);
    expect(await page.locator("svg.sequence g.step text.timing").first().textContent()).toMatch(/^\+\d/);
    expect(await page.locator('svg.sequence g.missing[data-org="vilvoorde"]').count()).toBe(1);
    expect(await page.locator("svg.sequence g.missing").count()).toBe(1);
    await screenshot(page, "trace");
    expect(errors).toEqual([]);
  });

  it("console - the flow map charts who informs whom and the acknowledgement latency", async () => {
    await page.goto(at("/flows?period=1h"));
    expect(await page.locator("svg.flowchart path.band").count()).toBeGreaterThan(2);
    expect(await page.locator('svg.flowchart path.band[data-from="federal"][data-to="local"]').count()).toBe(1);
    expect(await page.locator("svg.latency rect.p50").count()).toBeGreaterThan(0);
    await screenshot(page, "flows");
    await page.goto(at("/obligations"));
    expect(await page.locator("table.escalations tbody tr").count()).toBe(1);
    await screenshot(page, "obligations");
    await page.goto(at("/traces"));
    await screenshot(page, "traces");
    expect(errors).toEqual([]);
  });

  it("console - the pages can be used with the keyboard alone", async () => {
    await page.goto(at("/"));
    await page.keyboard.press("Tab");
    await expect(page.evaluate("document.activeElement?.textContent")).resolves.toBe("Skip to content");
    await page.keyboard.press("Enter");
    await expect(page.evaluate("document.activeElement?.id")).resolves.toBe("main");
    // From the top, Tab reaches the navigation in order; Enter follows a link.
    await page.goto(at("/"));
    const labels: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      labels.push(await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''"));
    }
    expect(labels.slice(2)).toEqual(["Overview", "Live feed"]);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/feed$/);
    // A feed row's link is reachable and opens the trace.
    const link = page.locator("tbody[data-live-feed] tr td.summary a").first();
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/traces\/[0-9a-f]{32}#m-/);
    // Every form control on every page has a label a screen reader can announce.
    for (const path of ["/", "/feed", "/notices", "/obligations", "/traces", "/flows", "/post"]) {
      await page.goto(at(path));
      const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
        .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label")).map((el) => el.name || el.id)`);
      expect(unlabelled, path).toEqual([]);
    }
    expect(errors).toEqual([]);
  });

  it("console - a municipality's coordinator sees only gent's viewpoint on every page, whatever the URL asks", async () => {
    await page.goto(at("/feed"));
    const all = await page.locator("table.feed tbody tr").count();
    const gent = await laptopPage(browser, errors);
    await signInPage(gent, consoleApp.url, "j.de-smet", "/feed?as=vpr");
    // The provider's pages are not the console's (their missing favicon is the browser's 404 note).
    errors.length = 0;
    expect(new URL(gent.url()).pathname).toBe("/feed");
    await gent.locator("footer", { hasText: "Stad Gent" }).waitFor();
    const senders = await gent.locator("table.feed tbody tr td:nth-child(3)").allTextContents();
    const audiences = await gent.locator("table.feed tbody tr td:nth-child(4)").allTextContents();
    expect(senders.length).toBeLessThan(all);
    senders.forEach((s, i) => expect(s === "gent" || ["gent", "local", "all"].includes(audiences[i]!)).toBe(true));
    // No viewpoint choice is offered, and a LIVC coordinator is not offered the post form.
    expect(await gent.locator("#as").count()).toBe(0);
    expect((await gent.goto(at("/post")))?.status()).toBe(403);
    await screenshot(gent, "feed-as-gent");
    await gent.context().close();
    expect(errors.filter((e) => !e.includes("status of 403"))).toEqual([]);
  });
});
