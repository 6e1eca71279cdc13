/**
 * The console's notifications against a real bus: the signed-in person reads and changes their
 * own preferences (defaults first, a wrong event or a channel without an address refused with the
 * field named), and the organisation's notifications page shows each delivery's status, attempts
 * and last error — the sender's view of a retried delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationKey, notificationStore } from "@schakel/organisation";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { startConsole, type RunningConsole } from "../src/mod.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

let bus: SchakelServer;
let consoleApp: RunningConsole;
let lotte: string;
let mira: string;

type ErrorBody = { error: { message: string } };
type Items = { items: unknown[] };

const call = (token: string, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(new URL(path, consoleApp.url), { ...init, headers: { ...bearer(token), ...(init.body ? { "content-type": "application/json" } : {}) } });

beforeAll(async () => {
  bus = await startSchakelServer();
  lotte = tokenFor(bus, "l.peeters");
  mira = tokenFor(bus, "m.peeters");
  consoleApp = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons: demoPersons(bus) }, onNote: () => undefined });
  await consoleApp.caughtUp;
});
afterAll(async () => {
  await consoleApp?.stop();
  await bus?.cleanup();
});

describe("console notifications", () => {
  it("console notifications - a person reads the defaults, changes their own preferences, and bad choices are refused naming the field", async () => {
    const shown = await (await call(lotte, "/api/notifications/preferences")).json();
    expect(shown).toMatchObject({ person: "l.peeters", stored: false, events: { "urgent-notice": "email", deadline: "email", digest: "none" } });

    const set = await call(lotte, "/api/notifications/preferences", { method: "POST", body: JSON.stringify({ events: { digest: "email", "urgent-notice": "none" } }) });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ stored: true, events: { digest: "email", "urgent-notice": "none", deadline: "email" } });

    const unknown = await call(lotte, "/api/notifications/preferences", { method: "POST", body: JSON.stringify({ events: { digests: "email" } }) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.message).toMatch(/unknown notification event "digests"/);
    // m.peeters has no e-mail address in the demo's persons file: e-mail is refused, "none" is fine.
    const noAddress = await call(mira, "/api/notifications/preferences", { method: "POST", body: JSON.stringify({ events: { deadline: "email" } }) });
    expect(noAddress.status).toBe(400);
    expect(((await noAddress.json()) as ErrorBody).error.message).toMatch(/m\.peeters has no e-mail address/);

    const page = await (await call(lotte, "/notifications/preferences")).text();
    expect(page).toMatch(/<input type="radio" name="digest" value="email" checked>/);
    expect(page).toMatch(/<input type="radio" name="urgent-notice" value="none" checked>/);
  });

  it("console notifications - the organisation's page lists each notification with its delivery status, attempts and last error", async () => {
    const store = await notificationStore(await bus.connectAs("mechelen"));
    const now = new Date();
    await store.notifications.create(notificationKey("urgent-notice", "01a24cb6-0754-74fa-b168-c1784c18d54d", "l.peeters"), {
      person: "l.peeters", event: "urgent-notice", messageId: "01a24cb6-0754-74fa-b168-c1784c18d54d", subject: "[Schakel] Urgent notice from nccn: \"Threat level\"",
      text: "nccn sent your organisation an urgent notice.", path: "/notices/01a24cb6-0754-74fa-b168-c1784c18d54d", status: "retrying", attempts: 2,
      createdAt: now.toISOString(), lastAttemptAt: now.toISOString(), nextAttemptAt: new Date(now.getTime() + 60_000).toISOString(), lastError: "451 mailbox busy, try again later",
    });
    const api = (await (await call(mira, "/api/notifications")).json()) as Items;
    expect(api.items).toEqual([expect.objectContaining({ person: "l.peeters", status: "retrying", attempts: 2, lastError: "451 mailbox busy, try again later" })]);
    const page = await (await call(mira, "/notifications")).text();
    expect(page).toContain('data-status="retrying"');
    expect(page).toContain("451 mailbox busy, try again later");
    expect(page).toContain('href="/notices/01a24cb6-0754-74fa-b168-c1784c18d54d"');
    // Another organisation's person sees none of it.
    const other = (await (await call(tokenFor(bus, "s.maes"), "/api/notifications")).json()) as Items;
    expect(other.items).toEqual([]);
  });
});
