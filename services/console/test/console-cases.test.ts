/**
 * Case work in the console, on a real secured bus with mechelen's and fed-police's services
 * running, signed in through the real identity provider in Chromium: mechelen sets its LIVC-R (its
 * own coordinators take part, fed-police's liaisons), opens a case with a follow-up plan,
 * fed-police reports back; a coordinator of mechelen opens the case in the console and reads the
 * summary, the tasks and the report, and the opening is in READS before the page came; a member of
 * mechelen whose role does not take part gets 403, a person of another organisation 404, the
 * platform coordinator metadata only, an erased case a page saying so. axe-core's WCAG 2.1 AA
 * rules on the new pages; the JSON routes beside them answer the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { STREAMS, type ReadRecorded } from "@schakel/contracts";
import { federalService } from "@schakel/federal";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import { caseFiles, caseKeysOf, eraseCase, openCase, reportCaseTask, setCasePlan, setLivcComposition } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import type { RunningConsole } from "../src/mod.ts";
import { axeViolations, launchBrowser, screenshot } from "./browser.ts";
import { bearer, consoleWithProvider, demoPersons, signInPage, tokenFor, type SignedInConsole } from "./sign-in.ts";

const CASE = "LIVC-MECH-2026-0201";
const ERASED = "LIVC-MECH-2026-0202";
const SUMMARY = "Young adult back from detention; family asks for support.";
const POLICE_TASK = "Check in with the neighbourhood officer.";
const OWN_TASK = "Call the school's care coordinator.";
const REPORT = "Visited; the family is cooperating.";

let bus: SchakelServer;
let local: ServiceHost;
let federal: ServiceHost;
let signedIn: SignedInConsole;
let consoleApp: RunningConsole;
let browser: Browser;
const errors: string[] = [];
const at = (path: string) => new URL(path, consoleApp.url).href;
const reads = async (): Promise<ReadRecorded[]> => (await storedOfType<ReadRecorded>(await bus.jsm(), "read.recorded")).map((m) => m.envelope.data);
const api = (person: string, path: string) => fetch(at(path), { headers: bearer(tokenFor(bus, person)) });

/** A laptop-sized page of its own, asking for `locale`, signed in as `person`; `bypassCSP` lets axe be injected into the console's pages. */
async function pageAs(person: string, locale = "nl-BE"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, reducedMotion: "reduce", locale, bypassCSP: true });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  const before = errors.length;
  await signInPage(page, consoleApp.url, person);
  // The provider's pages are not the console's (the browser notes their missing favicon).
  errors.splice(before);
  return page;
}


const navLinks = (page: Page) => page.locator("header nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));

beforeAll(async () => {
  bus = await startSchakelServer();
  const quiet = (service: string) => createLogger({ service, level: "silent" });
  [local, federal] = await Promise.all([
    startService(localService, { orgs: ["mechelen"], dataDir: bus.dataDir, server: bus.url, logger: quiet("local") }),
    startService(federalService, { orgs: ["fed-police"], dataDir: bus.dataDir, server: bus.url, logger: quiet("federal") }),
  ]);
  const mechelen = local.bus("mechelen");
  const police = federal.bus("fed-police");
  // mechelen's own coordinators take part, its members do not; fed-police's liaisons do.
  await setLivcComposition(mechelen, { members: [{ org: "mechelen", roles: ["livc-coordinator"] }, { org: "fed-police", roles: ["liaison"] }] });
  await openCase(mechelen, { caseRef: CASE, participants: ["fed-police"], summary: SUMMARY });
  const plan = await setCasePlan(mechelen, {
    caseRef: CASE, tasks: [
      { owner: "fed-police", dueBy: new Date(Date.now() + 3_600_000), task: POLICE_TASK },
      { owner: "mechelen", dueBy: new Date(Date.now() - 60_000), task: OWN_TASK },
    ],
  });
  await waitFor(async () => caseKeysOf(police).get(CASE), { what: "the case key at fed-police" });
  await waitFor(async () => (await caseFiles(police)).find((c) => c.caseRef === CASE && c.plan), { what: "the plan at fed-police" });
  await reportCaseTask(police, { caseRef: CASE, taskId: plan.tasks[0]!.taskId, report: REPORT });
  await waitFor(async () => (await caseFiles(mechelen)).find((c) => c.caseRef === CASE && c.plan?.tasks.some((t) => t.reported)), { what: "the report at mechelen" });
  await openCase(mechelen, { caseRef: ERASED, participants: ["fed-police"], summary: "To be erased." });
  await eraseCase(mechelen, { caseRef: ERASED, reason: "requested" });

  const persons = demoPersons(bus);
  signedIn = await consoleWithProvider(bus, () => persons);
  consoleApp = signedIn.console;
  await consoleApp.caughtUp;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await signedIn?.stop();
  await Promise.all([local?.stop(), federal?.stop()]);
  await bus?.cleanup();
});

describe("console cases", () => {
  it("console cases - a coordinator whose role takes part opens the case: summary, tasks and report, the read recorded first", async () => {
    const page = await pageAs("l.peeters");
    await page.goto(at("/cases"));
    expect(await navLinks(page)).toEqual(expect.arrayContaining(["/cases", "/livc"]));
    const row = page.locator(`tr[data-case="${CASE}"]`);
    expect(await row.locator("td").nth(1).textContent()).toContain("fed-police");
    expect(await row.textContent()).toContain("te laat");
    // The list is metadata: nothing sealed shows, and it is recorded as a read of a record about the case.
    expect(await page.content()).not.toContain(SUMMARY);
    expect((await reads()).find((r) => r.purpose === "case list" && r.caseRef === CASE)).toMatchObject({ person: "l.peeters", organisation: "mechelen", role: "livc-coordinator", interface: "console", kind: "record" });
    expect(await axeViolations(page)).toEqual([]);

    const before = (await reads()).filter((r) => r.kind === "case-content").length;
    const res = await page.goto(at(`/cases/${CASE}`));
    expect(res?.status()).toBe(200);
    expect(await page.locator("[data-summary]").textContent()).toBe(SUMMARY);
    expect(await page.locator("table.case-tasks tbody [data-task-text]").allTextContents()).toEqual([POLICE_TASK, OWN_TASK]);
    expect(await page.locator("[data-report]").textContent()).toBe(REPORT);
    const opened = (await reads()).filter((r) => r.kind === "case-content");
    expect(opened.length).toBe(before + 1);
    expect(opened.at(-1)).toMatchObject({ person: "l.peeters", organisation: "mechelen", role: "livc-coordinator", interface: "console", purpose: "case page", caseRef: CASE });
    expect(opened.at(-1)!.messageIds.length).toBe(3);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "case-opened");

    await page.goto(at("/livc"));
    expect(await page.locator('section[data-livc="mechelen"] table[data-version="1"] tbody tr').allTextContents()).toEqual(["mechelenlivc-coordinator", "fed-policeliaison"]);
    expect(await axeViolations(page)).toEqual([]);

    const erased = await page.goto(at(`/cases/${ERASED}`));
    expect(erased?.status()).toBe(410);
    expect(await page.locator("[data-erased]").textContent()).toContain("gewist");
    expect(await axeViolations(page)).toEqual([]);

    // A case mechelen does not take part in: the not-found page.
    const unknown = await page.goto(at("/cases/LIVC-MECH-2026-9999"));
    expect(unknown?.status()).toBe(404);
    expect(await page.locator("[data-not-found]").count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    // In French, through the language switch.
    await page.goto(at(`/language?lang=fr&back=${encodeURIComponent(`/cases/${CASE}`)}`));
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await page.locator("[data-summary]").textContent()).toBe(SUMMARY);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors.filter((e) => !e.includes("status of 410") && !e.includes("status of 404"))).toEqual([]);
    await page.context().close();
  });

  it("console cases - a member whose role does not take part gets 403, another organisation's person 404, and nothing is opened for them", async () => {
    const html = async (person: string, path: string) => {
      const res = await api(person, path);
      return { status: res.status, text: await res.text() };
    };
    // The navigation does not offer the case pages to mechelen's member (mechelen's LIVC-R lists its coordinators only).
    expect((await html("m.peeters", "/")).text).not.toContain('href="/cases"');
    expect((await html("l.peeters", "/")).text).toContain('href="/cases"');
    for (const path of ["/cases", `/cases/${CASE}`]) {
      const res = await html("m.peeters", path);
      expect(res.status, path).toBe(403);
      expect(res.text).toContain('data-denial="role-not-allowed"');
      expect(res.text).not.toContain(SUMMARY);
    }
    const elsewhere = await html("j.de-smet", `/cases/${CASE}`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.text).not.toContain(SUMMARY);
    expect((await reads()).filter((r) => (r.person === "m.peeters" || r.person === "j.de-smet") && (r.kind === "case-content" || r.purpose.startsWith("case")))).toEqual([]);
  });

  it("console cases - the platform coordinator sees the cases as metadata only", async () => {
    const page = await pageAs("e.janssens");
    await page.goto(at("/cases"));
    expect(await page.locator(`tr[data-case="${CASE}"] td`).nth(1).textContent()).toContain("fed-police");
    expect(await page.locator(`tr[data-case="${ERASED}"]`).textContent()).toContain("gewist");
    expect(await axeViolations(page)).toEqual([]);
    const res = await page.goto(at(`/cases/${CASE}`));
    expect(res?.status()).toBe(200);
    const text = await page.content();
    for (const secret of [SUMMARY, POLICE_TASK, OWN_TASK, REPORT]) expect(text).not.toContain(secret);
    expect(await axeViolations(page)).toEqual([]);
    // One read per case listed, one for the case page: records, never case content.
    const platformReads = (await reads()).filter((r) => r.person === "e.janssens" && r.purpose.startsWith("case"));
    expect(platformReads.map((r) => [r.purpose, r.kind, r.caseRef]).sort()).toEqual([["case list", "record", CASE], ["case list", "record", ERASED], ["case page", "record", CASE]]);
    await page.context().close();
  });

  it("console cases - the JSON routes answer as the pages: content for a participant, 403, 404, 410 and metadata", async () => {
    const opened = (await (await api("l.peeters", `/api/cases/${CASE}`)).json()) as { view: string; role: string; summary: { text: string }; tasks: { task: { text: string }; report?: { text?: { text: string } } }[] };
    expect(opened).toMatchObject({ view: "participant", role: "livc-coordinator", summary: { text: SUMMARY } });
    expect(opened.tasks.map((t) => [t.task.text, t.report?.text?.text])).toEqual([[POLICE_TASK, REPORT], [OWN_TASK, undefined]]);
    const list = (await (await api("l.peeters", "/api/cases")).json()) as { items: { caseRef: string; tasks: { state: string }[] }[] };
    expect(list.items.find((c) => c.caseRef === CASE)!.tasks.map((t) => t.state)).toEqual(["reported", "overdue"]);
    expect((await api("m.peeters", `/api/cases/${CASE}`)).status).toBe(403);
    expect((await api("m.peeters", "/api/cases")).status).toBe(403);
    expect((await api("j.de-smet", `/api/cases/${CASE}`)).status).toBe(404);
    expect((await api("l.peeters", "/api/cases/not-a-case")).status).toBe(404);
    const erased = await api("l.peeters", `/api/cases/${ERASED}`);
    expect(erased.status).toBe(410);
    expect(((await erased.json()) as { error: { details: { case: { erased: { reason: string } } } } }).error.details.case.erased.reason).toBe("requested");
    const platform = (await (await api("e.janssens", `/api/cases/${CASE}`)).json()) as Record<string, unknown>;
    expect(platform).toMatchObject({ view: "platform", case: { caseRef: CASE, livc: "mechelen", participants: expect.arrayContaining(["mechelen", "fed-police"]) } });
    expect(JSON.stringify(platform)).not.toContain(SUMMARY);
    const livc = (await (await api("c.dupont", "/api/livc")).json()) as { items: { municipality: string; versions: unknown[] }[] };
    expect(livc.items.map((c) => c.municipality)).toEqual(["mechelen"]);
  });

  // Last: it takes the read audit's stream away.
  it("console cases - when the read cannot be recorded, the case page shows nothing", async () => {
    const jsm = await bus.jsm();
    const stream = await jsm.streams.info(STREAMS.reads.name);
    await jsm.streams.delete(STREAMS.reads.name);
    // The publish of the read waits for READS until the bus client gives up (a few seconds), then the page is refused.
    const page = await fetch(at(`/cases/${CASE}`), { headers: bearer(tokenFor(bus, "l.peeters")) });
    expect(page.status).toBe(503);
    expect(await page.text()).not.toContain(SUMMARY);
    await jsm.streams.add(stream.config);
  });
});
