/**
 * Real headless Chromium for browser tests: Debian's chromium driven by playwright-core, with
 * the flags a closed network needs (no background networking, no component updates), each page
 * collecting its script errors so a test can fail on them. A separate entry point
 * (`@schakel/harness/browser`), so tests without a browser do not load playwright.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Launches Chromium with a fresh temporary profile; fails with the install command when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with "apt-get update && apt-get install -y chromium" (.ci/run does this)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A page the size of a laptop screen, in its own context, whose script errors land in `errors`. */
export async function laptopPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  return page;
}
