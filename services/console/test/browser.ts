/**
 * Real headless Chromium for the console's end-to-end tests (the harness's launcher: Debian's
 * chromium driven by playwright-core; CI installs it with apt); screenshots go to
 * test-artifacts/console/ at the repository root.
 */
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { expect } from "vitest";

export { CHROMIUM, laptopPage, launchBrowser } from "@schakel/harness/browser";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/console/", import.meta.url));

/** Writes a full-page screenshot to test-artifacts/console/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now: the violations, described. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate<{ passes: number; violations: { id: string; help: string; nodes: { target: string[] }[] }[] }>(
    `axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(WCAG_AA)} } }).then((r) => ({ passes: r.passes.length, violations: r.violations }))`,
  );
  // The checker ran its rules on this page (a page it could not read would pass nothing).
  expect(result.passes).toBeGreaterThan(10);
  return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}
