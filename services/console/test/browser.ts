/**
 * Real headless Chromium for the console's end-to-end tests (the harness's launcher: Debian's
 * chromium driven by playwright-core; CI installs it with apt); screenshots go to
 * test-artifacts/console/ at the repository root.
 */
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

export { CHROMIUM, laptopPage, launchBrowser } from "@schakel/harness/browser";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/console/", import.meta.url));

/** Writes a full-page screenshot to test-artifacts/console/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
