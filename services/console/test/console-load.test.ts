/**
 * The console with 10,000 notices and 100,000 messages: pages are cut on the server (25 notices,
 * 50 messages a page) and stay complete and correct. Times are reported (and written to
 * test-artifacts/console/load.json) for the benchmark, not asserted here.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { ReadModel, seedReadModel, serveReadModel, type ServedModel } from "../src/mod.ts";
import { laptopPage, launchBrowser, screenshot } from "./browser.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";
import { apiTokensPath } from "@schakel/infra";

let bus: SchakelServer;
let model: ReadModel;
let served: ServedModel;
let browser: Browser | undefined;
const timings: Record<string, number> = {};
/** The platform coordinator's API token: the console answers persons only. */
let token: string;

async function timed(path: string): Promise<{ status: number; text: string }> {
  const started = performance.now();
  const res = await fetch(new URL(path, served.url), { headers: bearer(token) });
  const text = await res.text();
  timings[path] = Math.round((performance.now() - started) * 10) / 10;
  return { status: res.status, text };
}

beforeAll(async () => {
  bus = await startSchakelServer();
  model = new ReadModel(bus.directory);
  const started = performance.now();
  seedReadModel(model, { notices: 10_000, messages: 100_000 });
  timings.seedMs = Math.round(performance.now() - started);
  token = tokenFor(bus, "e.janssens");
  served = await serveReadModel(model, { persons: demoPersons(bus), apiTokens: apiTokensPath(bus.dataDir) });
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await bus?.cleanup();
  const dir = fileURLToPath(new URL("../../../test-artifacts/console/", import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}load.json`, JSON.stringify({ notices: model.notices.list.length, messages: model.size, timingsMs: timings }, null, 2) + "\n");
  console.log("console load timings (ms):", timings);
});

describe("console under load", () => {
  it("console load - the notices page with 10,000 notices answers its first page of 25, newest first", async () => {
    expect(model.notices.list.length).toBe(10_000);
    expect(model.size).toBeGreaterThanOrEqual(100_000);
    // Warm-up request: the first one also bundles the browser script.
    await timed("/api/health");
    const api = await timed("/api/notices?page=1");
    const page = JSON.parse(api.text) as { items: { postedAt: string }[]; total: number; pages: number };
    expect(page.total).toBe(10_000);
    expect(page.items).toHaveLength(25);
    expect(page.pages).toBe(400);
    const times = page.items.map((i) => Date.parse(i.postedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const html = await timed("/notices");
    expect(html.status).toBe(200);
    expect(html.text).toContain("Page 1 of 400");
    expect(html.text.match(/<tr>/g)?.length).toBe(26);
    const overdue = await timed("/api/notices?status=overdue&page=2");
    expect(JSON.parse(overdue.text).items.every((i: { status: string }) => i.status === "overdue")).toBe(true);
  });

  it("console load - the feed, obligations, flow map and overview over 100,000 messages answer one page each", async () => {
    const feed = JSON.parse((await timed("/api/messages?limit=50")).text) as { items: { pos: number }[]; total: number; before: number };
    expect(feed.items).toHaveLength(50);
    expect(feed.total).toBe(model.size);
    const older = JSON.parse((await timed(`/api/messages?limit=50&before=${feed.before}`)).text) as { items: { pos: number }[] };
    expect(older.items[0]!.pos).toBe(feed.items[49]!.pos - 1);
    const filtered = JSON.parse((await timed("/api/messages?level=federal&type=notice&tier=tertiary&form=jihadist")).text) as { items: { type: string }[]; total: number };
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.items.every((i) => i.type.startsWith("notice."))).toBe(true);
    for (const path of ["/feed", "/obligations", "/flows?period=all", "/", "/api/obligations", "/api/flows?period=30d"]) {
      expect((await timed(path)).status, path).toBe(200);
    }
  });

  it("console load - the notices and feed pages render in Chromium with one page of rows", async () => {
    browser = await launchBrowser();
    const errors: string[] = [];
    const page = await laptopPage(browser, errors);
    await page.setExtraHTTPHeaders(bearer(token));
    await page.goto(new URL("/notices", served.url).href);
    expect(await page.locator("table.notices tbody tr").count()).toBe(25);
    await screenshot(page, "load-notices");
    await page.goto(new URL("/feed", served.url).href);
    expect(await page.locator("table.feed tbody tr").count()).toBe(50);
    await page.goto(new URL("/flows?period=all", served.url).href);
    await screenshot(page, "load-flows");
    expect(errors).toEqual([]);
  });
});
