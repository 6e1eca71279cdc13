/**
 * Signing in for the console's tests, with the real parts: persons' API tokens issued into the
 * bus's data folder (as `schakel persons token` does), and the development OpenID provider with
 * a console that signs in through it, for browser tests in real Chromium.
 */
import type { Person } from "@schakel/contracts";
import { apiTokensPath, issueApiToken, loadPersons } from "@schakel/infra";
import type { SchakelServer } from "@schakel/harness";
import { startIdentityProvider, type RunningIdentityProvider } from "@schakel/identity-provider";
import type { Page } from "playwright-core";
import { startConsole, type ConsoleOptions, type RunningConsole } from "../src/mod.ts";

/** The demo persons (checked against the bus's registry). */
export const demoPersons = (bus: SchakelServer): Person[] => loadPersons(undefined, bus.registry);

/** A fresh API token for `person` in the bus's data folder. */
export const tokenFor = (bus: SchakelServer, person: string): string => issueApiToken(apiTokensPath(bus.dataDir), person).token;

/** Request headers that carry `token`. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface SignedInConsole {
  console: RunningConsole;
  provider: RunningIdentityProvider;
  stop(): Promise<void>;
}

/**
 * The identity provider (demo login page) and a console signing in through it; `persons` is read
 * at every request, so a test can disable a person.
 */
export async function consoleWithProvider(bus: SchakelServer, persons: () => readonly Person[], extra: Partial<ConsoleOptions> = {}): Promise<SignedInConsole> {
  let consoleUrl = "";
  const provider = await startIdentityProvider({ persons, port: 0, demo: true, consoleRedirectUris: () => (consoleUrl ? [`${consoleUrl}auth/callback`] : []), onNote: () => undefined });
  const running = await startConsole({
    servers: bus.url, dataDir: bus.dataDir, port: 0, onNote: () => undefined, ...extra,
    signIn: { issuer: provider.issuer, clientId: provider.consoleClient.clientId, clientSecret: provider.consoleClient.clientSecret, persons, demo: true },
  });
  consoleUrl = running.url;
  return {
    console: running, provider,
    async stop() {
      await running.stop();
      await provider.stop();
    },
  };
}

/**
 * Signs `person` in in the browser page: opens the console's /login, picks the person on the
 * provider's demo page, and waits to be back on the console. Returns the milliseconds it took.
 */
export async function signInPage(page: Page, consoleUrl: string, person: string, back = "/"): Promise<number> {
  const started = performance.now();
  await page.goto(new URL(`/login?back=${encodeURIComponent(back)}`, consoleUrl).href);
  await page.locator(`form:has(input[name="person"][value="${person}"]) button`).click();
  await page.waitForURL((u) => u.href.startsWith(consoleUrl) && !u.pathname.startsWith("/auth/"), { waitUntil: "commit" });
  await page.locator(`[data-person="${person}"]`).waitFor();
  return performance.now() - started;
}
