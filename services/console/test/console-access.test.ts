/**
 * The console for everyone, in real headless Chromium on one secured bus, each page signed in
 * through the real identity provider as a demo person: a trace found by a
 * notice or message id, the feed's time window and Belgian times, Dutch and French (and the
 * switch that remembers the choice), axe-core's WCAG 2.1 AA rules on every page, and posting and
 * acknowledging a notice with the keyboard alone (posting as a platform coordinator, then signing
 * in as another demo person of a recipient to acknowledge).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { newMessageId, sampleData } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { openPlatformStores } from "@schakel/platform";
import type { RunningConsole } from "../src/mod.ts";
import { axeViolations, launchBrowser, screenshot } from "./browser.ts";
import { runDemoFlow, type DemoFlow } from "./demo-flow.ts";
import { consoleWithProvider, demoPersons, signInPage, type SignedInConsole } from "./sign-in.ts";

/** `2026-12-06T10:57:17` in Belgian time, as a `datetime-local` field holds it. */
const belgianLocal = (ms: number) => new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Brussels", dateStyle: "short", timeStyle: "medium" }).format(ms).replace(" ", "T");

let bus: SchakelServer;
let consoleApp: RunningConsole;
let signedIn: SignedInConsole;
let browser: Browser;
let demo: DemoFlow;
const errors: string[] = [];
const at = (path: string) => new URL(path, consoleApp.url).href;
/** Script errors, without the browser's notes about the answers a test asked for (a 404, a 422). */
const unexpected = (...statuses: number[]) => errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));

/**
 * A laptop-sized page in its own context (own cookies), its browser asking for `locale`. For axe,
 * `bypassCSP` lets the test inject the checker into pages whose policy allows only their own scripts.
 */
async function pageIn(locale: string, opts: { bypassCSP?: boolean; person?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, reducedMotion: "reduce", locale, bypassCSP: opts.bypassCSP ?? false });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  await signInPage(page, consoleApp.url, opts.person ?? "e.janssens");
  return page;
}


/** Presses Tab until `selector` has the focus (at most 120 times); fails if it never does. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Whether the focused element shows a focus indicator (an outline that is drawn). */
const focusVisible = (page: Page) =>
  page.evaluate<boolean>(`(() => {
    const el = document.activeElement;
    if (!el) return false;
    const s = getComputedStyle(el);
    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  })()`);

beforeAll(async () => {
  bus = await startSchakelServer();
  const persons = demoPersons(bus);
  signedIn = await consoleWithProvider(bus, () => persons);
  consoleApp = signedIn.console;
  await consoleApp.caughtUp;
  demo = await runDemoFlow(bus);
  await waitFor(() => consoleApp.model.notices.notices.get(demo.noticeId)?.receipts.get("mechelen")?.acknowledgedAt, { what: "the demo flow in the console" });
  await waitFor(() => consoleApp.model.records.some((r) => r.type === "case.consultation.requested"), { what: "the whole demo in the console" });
  browser = await launchBrowser();
});

beforeEach(() => {
  errors.length = 0;
});

afterAll(async () => {
  await browser?.close();
  await signedIn?.stop();
  await bus?.cleanup();
});

describe("console for everyone", () => {
  it("console - a trace is found by its trace id, a notice id or a message id, within the viewpoint's rules", async () => {
    const page = await pageIn("en-GB");
    const ack = consoleApp.model.records.find((r) => r.type === "notice.acknowledged" && r.reference === demo.noticeId)!;
    for (const id of [demo.traceId, demo.noticeId, ack.id, demo.noticeId.toUpperCase()]) {
      await page.goto(at(`/traces?id=${encodeURIComponent(` ${id} `)}`));
      expect(new URL(page.url()).pathname, id).toBe(`/traces/${demo.traceId}`);
    }
    expect(new URL(page.url()).hash).toMatch(/^#m-[0-9a-f-]{36}$/);
    // Through the search box too.
    await page.goto(at("/traces"));
    await page.fill("#t-id", demo.noticeId);
    await page.click("form[role=search] button[type=submit]");
    await page.waitForURL(new RegExp(`/traces/${demo.traceId}`));
    // gent is neither sender nor recipient of the notice: its id finds nothing for gent's coordinator.
    const asGent = await pageIn("en-GB", { person: "j.de-smet" });
    const hidden = await asGent.goto(at(`/traces?id=${demo.noticeId}`));
    expect(hidden?.status()).toBe(404);
    expect(await asGent.locator("#t-err").textContent()).toContain("No trace with this id is visible");
    expect(await asGent.locator("#t-id").getAttribute("aria-describedby")).toContain("t-err");
    await asGent.context().close();
    const unknown = await page.goto(at("/traces?id=00000000-0000-7000-8000-000000000000"));
    expect(unknown?.status()).toBe(404);
    expect(unexpected(404)).toEqual([]);
    await page.context().close();
  });

  it("console - the feed's time window filters by storage time, sits in the URL, and times show date and Belgian offset", async () => {
    const page = await pageIn("en-GB");
    const rows = () => page.locator("table.feed tbody tr").count();
    await page.goto(at("/feed"));
    const all = await rows();
    expect(all).toBeGreaterThan(5);
    // Chosen in the form, kept in the URL (a bookmark shows the same window).
    await page.check('input[name=since][value="1h"]');
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/since=1h/);
    expect(await rows()).toBe(all);
    expect(await page.locator("tbody[data-live-feed]").count()).toBe(1);
    // A window that ended before the demo: nothing, and not live.
    await page.goto(at("/feed?from=2020-01-01T00:00&to=2020-01-02T00:00"));
    expect(await rows()).toBe(0);
    expect(await page.locator("tbody[data-live-feed]").count()).toBe(0);
    expect(await page.inputValue("#f-from")).toBe("2020-01-01T00:00");
    // From the second of the latest message, in Belgian time: only what was stored since.
    const latest = consoleApp.model.records.at(-1)!.storedAt;
    const fromSecond = Math.floor(latest / 1000) * 1000;
    const datetime = await page.goto(at("/feed")).then(() => page.locator("table.feed tbody tr td.when time").first().getAttribute("datetime"));
    expect(datetime).toBe(new Date(latest).toISOString());
    const local = belgianLocal(latest);
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    await page.goto(at(`/feed?from=${encodeURIComponent(local)}`));
    expect(await rows()).toBe(consoleApp.model.records.filter((r) => r.storedAt >= fromSecond).length);
    expect(await rows()).toBeGreaterThan(0);
    // To the millisecond with an ISO time: the window excludes what was stored before it.
    await page.goto(at(`/feed?from=${encodeURIComponent(new Date(latest).toISOString())}`));
    expect(await rows()).toBe(consoleApp.model.records.filter((r) => r.storedAt >= latest).length);
    expect(await rows()).toBeLessThan(all);
    await page.goto(at(`/feed?to=${encodeURIComponent(local)}`));
    expect(await rows()).toBe(consoleApp.model.records.filter((r) => r.storedAt <= fromSecond).length);
    expect(await page.locator("tbody[data-live-feed]").count()).toBe(0);
    await page.goto(at("/feed"));
    await page.locator("[data-live-status][data-state=live]").waitFor();
    // Live rows are announced politely, as one summary for a burst, not row by row.
    await page.evaluate(`(() => {
      const region = document.querySelector("[data-live-announce]");
      window.announced = [];
      new MutationObserver(() => window.announced.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
    })()`);
    expect(await page.getAttribute("[data-live-announce]", "aria-live")).toBe("polite");
    const vvsg = await bus.connectAs("vvsg");
    for (let i = 0; i < 3; i++) await vvsg.publish("knowledge.shared", sampleData("knowledge.shared"), { to: "all" });
    await vvsg.close();
    await page.locator("tbody[data-live-feed] tr.fresh").nth(2).waitFor();
    await page.locator("[data-live-announce]", { hasText: "new messages" }).waitFor({ state: "attached", timeout: 15_000 });
    expect(await page.evaluate<string[]>("window.announced")).toEqual(["3 new messages in the feed"]);
    const shown = await page.locator("table.feed tbody tr td.when").first().textContent();
    expect(shown).toMatch(new RegExp(`${new Date(latest).getUTCFullYear()}.*\\d{2}:\\d{2}:\\d{2} UTC\\+0[12]:00`));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("console - speaks Dutch and French from the browser's language, and the switch remembers a choice", async () => {
    const fr = await pageIn("fr-BE");
    await fr.goto(at("/notices"));
    expect(await fr.getAttribute("html", "lang")).toBe("fr");
    expect(await fr.locator("h1").textContent()).toBe("Avis");
    expect(await fr.locator("nav[aria-label] a[aria-current=page]").textContent()).toBe("Avis");
    expect(await fr.locator("table.notices thead").textContent()).toContain("Envoyé");
    // Message content stays as sent.
    expect(await fr.locator("table.notices tbody").textContent()).toContain("Threat level for public events in the region");
    await screenshot(fr, "notices-fr");
    // The switch: Dutch, kept on the next pages and after a reload.
    await fr.selectOption("#lang", "nl");
    await fr.click("form.language button[type=submit]");
    // The switch returns to the same URL: wait for the page it reloads, in Dutch.
    await fr.locator('html[lang="nl"]').waitFor({ state: "attached" });
    expect(new URL(fr.url()).pathname).toBe("/notices");
    expect(await fr.getAttribute("html", "lang")).toBe("nl");
    expect(await fr.locator("h1").textContent()).toBe("Kennisgevingen");
    await fr.goto(at("/obligations"));
    expect(await fr.getAttribute("html", "lang")).toBe("nl");
    expect(await fr.locator("#open-h").textContent()).toContain("Openstaande verplichtingen");
    await fr.goto(at(`/notices/${demo.noticeId}`));
    expect(await fr.locator("table.matrix thead").textContent()).toContain("Bevestigd");
    expect(await fr.locator("table.matrix tr[data-recipient=mechelen] .state").textContent()).toBe("ontvangst bevestigd");
    await screenshot(fr, "notice-nl");
    await fr.context().close();
    // A language the console does not speak falls back to English.
    const de = await pageIn("de-DE");
    await de.goto(at("/"));
    expect(await de.getAttribute("html", "lang")).toBe("en");
    expect(await de.locator("h1").textContent()).toBe("Overview");
    await de.context().close();
    expect(errors).toEqual([]);
  });

  it("console - every page passes axe-core's WCAG 2.1 AA rules in Dutch, and the main ones in French", async () => {
    const ack = consoleApp.model.records.find((r) => r.type === "notice.acknowledged" && r.reference === demo.noticeId)!;
    // A request awaiting the platform's answer, so the coordination page shows an answer form.
    const gent = await bus.connectAs("gent");
    const asked = await gent.publish("coordination.requested", sampleData("coordination.requested"), { to: "vpr" });
    await waitFor(() => consoleApp.model.trace(asked.traceId).length, { what: "the request to vpr in the console" });
    // A digest the platform published to gent, so the platform's digest page shows its table.
    await (await openPlatformStores(await bus.connectAs("vpr"))).digests.put("gent", { municipality: "gent", pending: [], bundled: [], published: [
      { digestId: newMessageId(), windowStart: "2027-01-10T09:00:00.000Z", windowEnd: "2027-01-10T09:01:00.000Z", items: 2, publishedAt: "2027-01-10T09:01:00.500Z", messageId: newMessageId() },
    ] });
    // A notice this console posted and has not read in yet: its page says so.
    const pendingId = newMessageId();
    consoleApp.recentPosts.remember({ noticeId: pendingId, from: "vpr", title: "Nog onderweg", at: Date.now() });
    const paths = ["/", "/feed", "/notices", `/notices/${demo.noticeId}`, `/notices/${pendingId}`, "/obligations", "/traces", `/traces/${demo.traceId}`, "/flows", "/post", "/coordination", "/coordination/request", `/traces?id=${ack.id.slice(0, 8)}`, "/digests", "/nowhere"];
    const found: Record<string, string[]> = {};
    // Every page in Dutch; in French the pages with the most text of their own (same markup otherwise).
    const pagesIn = { "nl-BE": paths, "fr-BE": ["/", "/feed", `/notices/${demo.noticeId}`, `/traces/${demo.traceId}`, "/post", "/coordination"] };
    for (const [locale, list] of Object.entries(pagesIn)) {
      const page = await pageIn(locale, { bypassCSP: true });
      for (const path of list) {
        await page.goto(at(path));
        if (path === "/coordination") expect(await page.locator("form.answer").count(), "an answer form on the coordination page").toBeGreaterThan(0);
        if (path === "/digests") expect(await page.locator("table.published-digests tbody tr").count(), "the platform's published digests").toBe(1);
        const v = await axeViolations(page);
        if (v.length) found[`${locale} ${path}`] = v;
      }
      // A refused post, with its error summary and messages at the fields.
      await page.goto(at("/post"));
      await page.click("form.post button[type=submit]");
      await page.locator(".error-summary").waitFor();
      const v = await axeViolations(page);
      if (v.length) found[`${locale} refused post`] = v;
      await page.goto(at("/coordination/request"));
      await page.click("form.request button[type=submit]");
      await page.locator(".error-summary").waitFor();
      const r = await axeViolations(page);
      if (r.length) found[`${locale} refused coordination request`] = r;
      await page.context().close();
    }
    // A recipient's view of the notice, with its acknowledgement form (vilvoorde's coordinator).
    const recipient = await pageIn("nl-BE", { bypassCSP: true, person: "n.willems" });
    await recipient.goto(at(`/notices/${demo.noticeId}`));
    expect(await recipient.locator("form.acknowledge").count()).toBe(1);
    const v = await axeViolations(recipient);
    if (v.length) found["nl-BE recipient's notice"] = v;
    await recipient.context().close();
    // The signal form, for a LIVC member (mechelen's), empty and refused.
    const member = await pageIn("nl-BE", { bypassCSP: true, person: "m.peeters" });
    await member.goto(at("/signal"));
    const s = await axeViolations(member);
    if (s.length) found["nl-BE /signal"] = s;
    await member.click("form.signal button[type=submit]");
    await member.locator(".error-summary").waitFor();
    const rs = await axeViolations(member);
    if (rs.length) found["nl-BE refused signal"] = rs;
    await member.context().close();
    expect(found).toEqual({});
    expect(unexpected(404, 422)).toEqual([]);
  });

  it("console - a notice is posted and acknowledged with the keyboard alone", async () => {
    const page = await pageIn("nl-BE");
    await page.goto(at("/post"));
    // The skip link comes first and moves the focus to the content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string | undefined>("document.activeElement?.textContent")).toBe("Naar de inhoud");
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press("Enter");
    expect(await page.evaluate<string | undefined>("document.activeElement?.id")).toBe("main");
    // Sending it empty: the errors are announced and tied to their fields.
    await tabTo(page, "form.post button[type=submit]");
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press("Enter");
    await page.locator(".error-summary").waitFor();
    expect(await page.evaluate<boolean>(`document.activeElement?.classList.contains("error-summary")`)).toBe(true);
    const described = (await page.getAttribute("#f-title", "aria-describedby")) ?? "";
    expect(described.split(" ")).toContain("err-title");
    expect(await page.locator("#err-title").textContent()).toContain("Titel: minstens 3 tekens");
    expect(await page.locator("#err-recipients").textContent()).toContain("kies minstens één organisatie");
    expect(await page.getAttribute("#f-title", "aria-invalid")).toBe("true");
    // Filling it in with Tab, typing, Space for a checkbox, arrows for a list.
    const title = `Keyboard notice ${Date.now()}`;
    await tabTo(page, 'input[name=recipients][value="mechelen"]');
    await page.keyboard.press("Space");
    await tabTo(page, "#f-title");
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.type(title);
    await tabTo(page, "#f-body");
    await page.keyboard.type("Posted and acknowledged with the keyboard.");
    await tabTo(page, "#f-category");
    await page.keyboard.press("ArrowDown");
    await tabTo(page, "form.post button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    const noticeId = new URL(page.url()).pathname.split("/").pop()!;
    expect(await page.locator("h1").textContent()).toBe(title);
    // A page still reading the notice back looks again by itself, until the notice's own page shows it.
    await page.locator("table.matrix").waitFor();
    // Signing in as another demo person (mechelen's LIVC member) with the header's button, then acknowledging it.
    await tabTo(page, "form[action='/logout?next=login'] button");
    await page.keyboard.press("Enter");
    // The provider asks before it ends its own session (its button has the focus), then shows its demo persons.
    await page.locator("button[name=logout]").waitFor();
    await page.keyboard.press("Enter");
    await page.locator('form:has(input[name="person"][value="m.peeters"]) button').click();
    await page.waitForURL((u) => u.href.startsWith(consoleApp.url) && !u.pathname.startsWith("/auth/"));
    await page.goto(at(`/notices/${noticeId}`));
    expect(await page.locator("[data-person]").getAttribute("data-person")).toBe("m.peeters");
    await page.locator("form.acknowledge").waitFor();
    await tabTo(page, "#ack-remark");
    expect(await page.getAttribute("#ack-remark", "aria-describedby")).toContain("ack-remark-help");
    await page.keyboard.type("Gezien door de lokale cel");
    await tabTo(page, "form.acknowledge button[type=submit]");
    expect(await page.evaluate<string | undefined>("document.activeElement?.textContent")).toBe("Ontvangst bevestigen als mechelen");
    await page.keyboard.press("Enter");
    await page.waitForURL(/acknowledged=1/);
    await page.locator('table.matrix tr[data-recipient="mechelen"][data-state="acknowledged"]').waitFor();
    expect(await page.locator(".notice-ok").textContent()).toContain("ontvangstbevestiging is verstuurd");
    expect(await page.locator("form.acknowledge").count()).toBe(0);
    await waitFor(() => consoleApp.model.notices.notices.get(noticeId)?.receipts.get("mechelen")?.remark === "Gezien door de lokale cel", { what: "the acknowledgement with its remark in the record" });
    await screenshot(page, "acknowledged-nl");
    expect(unexpected(422)).toEqual([]);
    await page.context().close();
  });
});
