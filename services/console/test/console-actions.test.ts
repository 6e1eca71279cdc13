/**
 * The console's actions beyond notices, against a real secured bus with persons' real API tokens
 * and, once, real Chromium signed in through the real provider: a LIVC member of mechelen raises a
 * signal (API and form) and the stored envelope names them (`actor`, `actorrole`) with sender
 * mechelen; a reader is refused with 403 and nothing is stored; bad fields are named; a
 * coordination request is answered by a person of the addressed organisation, the answer carrying
 * them; a session's request without its CSRF token is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { STREAMS, type Person } from "@schakel/contracts";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import type { RunningConsole } from "../src/mod.ts";
import { laptopPage, launchBrowser, screenshot } from "./browser.ts";
import { bearer, consoleWithProvider, demoPersons, signInPage, tokenFor, type SignedInConsole } from "./sign-in.ts";

let bus: SchakelServer;
let signedIn: SignedInConsole;
let consoleApp: RunningConsole;
let browser: Browser | undefined;
const tokens: Record<string, string> = {};
const at = (path: string) => new URL(path, consoleApp.url).href;
/** A reader of mechelen: same organisation as the LIVC member, a role that may not act. */
const READER: Person = { id: "r.lemmens", name: "Rik Lemmens", organisation: "mechelen", roles: ["reader"] };

interface Answer { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string[]> } } }
/** A JSON request to the console as `person` (their API token). */
async function call(person: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(at(path), { method, headers: { ...bearer(tokens[person]!), ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}
const coordCount = async () => (await (await bus.jsm()).streams.info(STREAMS.coord.name)).state.messages;

/** The envelope as JetStream stores it (once the console has read it, so its stream position is known). */
async function stored(messageId: string): Promise<Record<string, unknown>> {
  const record = await waitFor(() => consoleApp.model.records.find((r) => r.id === messageId), { what: `message ${messageId} in the console` });
  const msg = await (await bus.jsm()).streams.getMessage(record.stream, { seq: record.seq });
  return JSON.parse(new TextDecoder().decode(msg!.data)) as Record<string, unknown>;
}
const pseudonymOf = async (org: string, person: string) => (await bus.connectAs(org)).pseudonymOf(person);

const signal = { kind: "tension", severity: "medium", title: "Tension around the station square", description: "Repeated confrontations between two groups of young people in the evening." };

beforeAll(async () => {
  bus = await startSchakelServer();
  const persons = [...demoPersons(bus), READER];
  signedIn = await consoleWithProvider(bus, () => persons);
  consoleApp = signedIn.console;
  for (const p of ["m.peeters", "l.peeters", "e.janssens", "n.willems", READER.id]) tokens[p] = tokenFor(bus, p);
  await consoleApp.caughtUp;
});

afterAll(async () => {
  await browser?.close();
  await signedIn?.stop();
  await bus?.cleanup();
});

describe("console actions", () => {
  it("console actions - a LIVC member of mechelen raises a signal through the API; the stored envelope carries them as actor", async () => {
    const raised = await call("m.peeters", "POST", "/api/signals", signal);
    expect(raised.status).toBe(201);
    expect(raised.body.to).toBe("vpr");
    const envelope = await stored(String(raised.body.messageId));
    expect([envelope.sender, envelope.type, envelope.actorrole]).toEqual(["mechelen", "signal.raised", "livc-member"]);
    expect(envelope.actor).toBe(await pseudonymOf("mechelen", "m.peeters"));
    expect((envelope.data as { title: string }).title).toBe(signal.title);
  });

  it("console actions - a reader is refused with 403 and nothing is stored; bad fields are named with 422", async () => {
    const before = await coordCount();
    const reader = await call(READER.id, "POST", "/api/signals", signal);
    expect([reader.status, reader.body.error?.code]).toEqual([403, "role-not-allowed"]);
    expect(reader.body.error?.message).toContain("reader");
    const readerAsks = await call(READER.id, "POST", "/api/coordination/requests", { to: "vpr", ask: "inform", topic: "A question", body: "Text" });
    expect([readerAsks.status, readerAsks.body.error?.code]).toEqual([403, "role-not-allowed"]);
    // The form page too, and a platform coordinator may not raise a signal either.
    expect((await fetch(at("/signal"), { headers: bearer(tokens[READER.id]!) })).status).toBe(403);
    expect((await call("e.janssens", "POST", "/api/signals", signal)).status).toBe(403);
    // Bad input from a person who may: each field named, nothing sent.
    const bad = await call("m.peeters", "POST", "/api/signals", { kind: "rumour", title: "x", description: "" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error!.fields!)).toEqual(["kind", "severity", "title", "description"]);
    const badAsk = await call("l.peeters", "POST", "/api/coordination/requests", { to: "mechelen", ask: "inform", topic: "Ourselves", body: "Text", respondBy: "2001-01-01T00:00:00Z" });
    expect(badAsk.status).toBe(422);
    expect(Object.keys(badAsk.body.error!.fields!)).toEqual(["to", "respondBy"]);
    expect(await coordCount()).toBe(before);
  });

  it("console actions - a coordination request is answered by a person of the addressed organisation, the answer naming them", async () => {
    const asked = await call("e.janssens", "POST", "/api/coordination/requests", { to: "mechelen", ask: "align", topic: "Joint approach for the station square", body: "Can we align on Thursday?" });
    expect(asked.status).toBe(201);
    const requestId = String(asked.body.requestId);
    expect((await stored(String(asked.body.messageId))).actorrole).toBe("platform-coordinator");
    await waitFor(() => consoleApp.model.notices.requests.get(requestId), { what: "the request in the console" });
    const open = await call("l.peeters", "GET", "/api/coordination/open");
    expect((open.body.items as { requestId: string }[]).map((r) => r.requestId)).toContain(requestId);
    // A LIVC member may not answer; vilvoorde was not asked.
    expect((await call("m.peeters", "POST", `/api/coordination/requests/${requestId}/answer`, { outcome: "agreed", body: "Yes" })).status).toBe(403);
    expect((await call("n.willems", "POST", `/api/coordination/requests/${requestId}/answer`, { outcome: "agreed", body: "Yes" })).status).toBe(404);
    const bad = await call("l.peeters", "POST", `/api/coordination/requests/${requestId}/answer`, { outcome: "maybe", body: "" });
    expect([bad.status, Object.keys(bad.body.error!.fields!)]).toEqual([422, ["outcome", "body"]]);

    const answered = await call("l.peeters", "POST", `/api/coordination/requests/${requestId}/answer`, { outcome: "agreed", body: "Thursday at ten suits us." });
    expect([answered.status, answered.body.outcome]).toEqual([201, "responded"]);
    const envelope = await stored(String(answered.body.messageId));
    expect([envelope.sender, envelope.type, envelope.audience, envelope.actorrole]).toEqual(["mechelen", "coordination.responded", "vpr", "livc-coordinator"]);
    expect(envelope.actor).toBe(await pseudonymOf("mechelen", "l.peeters"));
    expect(envelope.causationid).toBe(asked.body.messageId);
    await waitFor(() => consoleApp.model.notices.requests.get(requestId)?.responses.get("mechelen")?.actor?.name === "Lotte Peeters", { what: "the answer, by name, in the console" });
    // Answered: no longer open, and no second answer is offered.
    expect(((await call("l.peeters", "GET", "/api/coordination/open")).body.items as { requestId: string }[]).map((r) => r.requestId)).not.toContain(requestId);
    expect((await call("l.peeters", "POST", `/api/coordination/requests/${requestId}/answer`, { outcome: "declined", body: "Again" })).status).toBe(404);

    // Through the page's form: a request to every municipality, answered by mechelen's coordinator.
    const toAll = await call("e.janssens", "POST", "/api/coordination/requests", { to: "local", ask: "inform", topic: "Local figures for the yearly report", body: "Please send your figures." });
    const groupRequest = String(toAll.body.requestId);
    await waitFor(() => consoleApp.model.notices.requests.get(groupRequest), { what: "the group request in the console" });
    const page = await (await fetch(at("/coordination"), { headers: bearer(tokens["l.peeters"]!) })).text();
    expect(page).toContain(`action="/coordination/${groupRequest}/answer"`);
    expect(page).toContain(`<label for="a-${groupRequest}-outcome">`);
    const sent = await fetch(at(`/coordination/${groupRequest}/answer`), {
      method: "POST", redirect: "manual", headers: { ...bearer(tokens["l.peeters"]!), origin: new URL(consoleApp.url).origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ outcome: "informed", answer: "Sent by mail." }).toString(),
    });
    expect([sent.status, sent.headers.get("location")]).toEqual([303, `/coordination?answered=${toAll.body.traceId}`]);
    // The answer page waited for the console's record; on a loaded machine it may still be on its way.
    const answer = await waitFor(() => consoleApp.model.notices.requests.get(groupRequest)?.responses.get("mechelen"), { what: "mechelen's answer in the console" });
    expect([answer?.outcome, answer?.actor?.role]).toEqual(["informed", "livc-coordinator"]);
  });

  it("console actions - in Chromium the LIVC member raises a signal with the form; without the CSRF token nothing is sent", async () => {
    browser = await launchBrowser();
    const errors: string[] = [];
    const page = await laptopPage(browser, errors);
    await signInPage(page, consoleApp.url, "m.peeters", "/signal");
    errors.length = 0;
    // The navigation offers the member's action, not those of other roles.
    const nav = await page.locator("nav a").allTextContents();
    expect(nav).toContain("Raise a signal");
    expect(nav).not.toContain("Post a notice");
    expect(nav).not.toContain("Coordination");
    // Sent empty: the errors are tied to their fields.
    await page.click("form.signal button[type=submit]");
    await page.locator(".error-summary").waitFor();
    expect((await page.getAttribute("#s-title", "aria-describedby"))?.split(" ")).toContain("err-s-title");
    await page.selectOption("#s-kind", "polarisation");
    await page.selectOption("#s-severity", "high");
    await page.fill("#s-title", "Leaflets with hate speech at the school gate");
    await page.fill("#s-description", "Leaflets found on three mornings this week.");
    await page.check('input[name=extremismForms][value="far-right"]');
    await page.click("form.signal button[type=submit]");
    await page.waitForURL(/\/signal\?raised=[0-9a-f]{32}$/);
    const traceId = new URL(page.url()).searchParams.get("raised")!;
    expect(await page.locator(".notice-ok").textContent()).toContain("Your signal was raised");
    await screenshot(page, "signal-raised");
    const record = await waitFor(() => consoleApp.model.trace(traceId).find((r) => r.type === "signal.raised"), { what: "the raised signal in the console" });
    const envelope = await stored(record.id);
    expect([envelope.sender, envelope.actorrole, envelope.actor]).toEqual(["mechelen", "livc-member", await pseudonymOf("mechelen", "m.peeters")]);

    const before = await coordCount();
    const origin = new URL(consoleApp.url).origin;
    const request = page.context().request;
    const api = await request.post(at("/api/signals"), { headers: { "content-type": "application/json" }, data: signal, maxRedirects: 0 });
    expect([api.status(), ((await api.json()) as { error: { code: string } }).error.code]).toEqual([403, "csrf"]);
    const form = await request.post(at("/signal"), { headers: { origin }, form: { ...signal }, maxRedirects: 0 });
    expect([form.status(), /data-denial="([a-z-]+)"/.exec(await form.text())?.[1]]).toEqual([403, "csrf"]);
    expect(await coordCount()).toBe(before);
    // The browser notes the refused submission's 422; nothing else went wrong.
    expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
    await page.context().close();
  });
});
