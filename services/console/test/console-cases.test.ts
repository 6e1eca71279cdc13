/**
 * Case work in the console, on a real secured bus with mechelen's and fed-police's services
 * running, signed in through the real identity provider in Chromium: mechelen sets its LIVC-R (its
 * own coordinators take part, fed-police's liaisons), opens a case with a follow-up plan,
 * fed-police reports back; a coordinator of mechelen opens the case in the console and reads the
 * summary, the tasks and the report, and the opening is in READS before the page came; a member of
 * mechelen whose role does not take part gets 403, a person of another organisation 404, the
 * platform coordinator metadata only, an erased case a page saying so. The case page lists the
 * case's consultations (asked and asked of mechelen, with their state; question and answers opened
 * for the participant, metadata for the platform) and a case antwerpen handed over to mechelen has
 * its page, the hand-over opened for mechelen's coordinator. axe-core's WCAG 2.1 AA rules on the
 * new pages; the JSON routes beside them answer the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { STREAMS, type ReadRecorded } from "@schakel/contracts";
import { federalService } from "@schakel/federal";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import {
  caseFiles, caseKeysOf, eraseCase, openCase, orgState, reportCaseTask, requestCaseConsultation, respondToCaseConsultation, setCasePlan, setLivcComposition, transferCase,
} from "@schakel/organisation";
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
const ASKED = "Is there new information relevant to the follow-up plan?";
const ANSWER = "Nothing new since the last report.";
const ASKED_OF_US = "Has the school been informed?";
const HANDED_OVER = "LIVC-ANTW-2026-0301";
const HANDOVER = "Plan and contacts: the family moved to Mechelen.";

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
    startService(localService, { orgs: ["mechelen", "antwerpen"], dataDir: bus.dataDir, server: bus.url, logger: quiet("local") }),
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
  // A consultation mechelen asks fed-police (answered) and one fed-police asks mechelen (awaiting an answer).
  const asked = await requestCaseConsultation(mechelen, { caseRef: CASE, recipients: ["fed-police"], question: ASKED });
  await waitFor(async () => (await (await orgState(police)).consultationsIn.get(asked.consultationId)) ?? undefined, { what: "the consultation at fed-police" });
  await respondToCaseConsultation(police, { consultationId: asked.consultationId, answer: ANSWER });
  const askedOfUs = await requestCaseConsultation(police, { caseRef: CASE, recipients: ["mechelen"], question: ASKED_OF_US, respondBy: new Date(Date.now() + 86_400_000) });
  await waitFor(async () => (await (await orgState(mechelen)).consultationsOut.get(asked.consultationId))?.value.responses[0], { what: "the answer at mechelen" });
  await waitFor(async () => (await (await orgState(mechelen)).consultationsIn.get(askedOfUs.consultationId)) ?? undefined, { what: "fed-police's consultation at mechelen" });
  // antwerpen hands a case over to mechelen's LIVC-R.
  const antwerpen = local.bus("antwerpen");
  await setLivcComposition(antwerpen, { members: [{ org: "antwerpen", roles: ["livc-coordinator"] }] });
  await openCase(antwerpen, { caseRef: HANDED_OVER, participants: [], summary: "Family support." });
  await transferCase(antwerpen, { caseRef: HANDED_OVER, to: "mechelen", handover: HANDOVER });
  await waitFor(async () => (await (await orgState(mechelen)).transfersIn.get(HANDED_OVER)) ?? undefined, { what: "the hand-over at mechelen" });
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
    // The case's consultations: the one mechelen asked (answered, with the answer) and the one asked of it (awaiting).
    const consultations = page.locator("table.case-consultations tbody tr");
    expect(await consultations.evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-direction"), r.getAttribute("data-state")]))).toEqual([["outgoing", "answered"], ["incoming", "awaiting"]]);
    expect(await page.locator('tr[data-direction="outgoing"] [data-question]').textContent()).toBe(ASKED);
    expect(await page.locator('tr[data-direction="outgoing"] [data-answer]').textContent()).toBe(ANSWER);
    expect(await page.locator('tr[data-direction="incoming"] [data-question]').textContent()).toBe(ASKED_OF_US);
    expect(await page.locator('tr[data-direction="incoming"]').textContent()).toContain("wacht op antwoord");
    // One read for the case (its opening, plan and report), one per consultation opened: all before the page came.
    const opened = (await reads()).filter((r) => r.kind === "case-content").slice(before);
    expect(opened.length).toBe(3);
    for (const r of opened) expect(r).toMatchObject({ person: "l.peeters", organisation: "mechelen", role: "livc-coordinator", interface: "console", purpose: "case page", caseRef: CASE });
    expect(opened.map((r) => r.messageIds.length).sort()).toEqual([1, 2, 3]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "case-opened");

    // The case antwerpen handed over: listed under mechelen's cases, its page opens the hand-over, the read recorded first.
    await page.goto(at("/cases"));
    expect(await page.locator(`tr[data-handover="${HANDED_OVER}"]`).textContent()).toContain("antwerpen");
    expect(await page.content()).not.toContain(HANDOVER);
    const handover = await page.goto(at(`/cases/${HANDED_OVER}`));
    expect(handover?.status()).toBe(200);
    expect(await page.locator("[data-handover-text]").textContent()).toBe(HANDOVER);
    expect((await reads()).filter((r) => r.kind === "case-content" && r.caseRef === HANDED_OVER)).toEqual([
      expect.objectContaining({ person: "l.peeters", organisation: "mechelen", role: "livc-coordinator", interface: "console", purpose: "case page" }),
    ]);
    expect(await axeViolations(page)).toEqual([]);

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
    for (const path of ["/cases", `/cases/${CASE}`, `/cases/${HANDED_OVER}`]) {
      const res = await html("m.peeters", path);
      expect(res.status, path).toBe(403);
      expect(res.text).toContain('data-denial="role-not-allowed"');
      expect(res.text).not.toContain(SUMMARY);
      expect(res.text).not.toContain(HANDOVER);
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
    for (const secret of [SUMMARY, POLICE_TASK, OWN_TASK, REPORT, ASKED, ANSWER, ASKED_OF_US]) expect(text).not.toContain(secret);
    // The consultations as metadata: who asked whom, answered or not.
    expect(await page.locator("table.case-consultations tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")))).toEqual(["answered", "awaiting"]);
    expect(await page.locator("table.case-consultations [data-question]").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    // One read per case listed, one for the case page: records, never case content.
    const platformReads = (await reads()).filter((r) => r.person === "e.janssens" && r.purpose.startsWith("case"));
    expect(platformReads.map((r) => [r.purpose, r.kind, r.caseRef]).sort()).toEqual([["case list", "record", CASE], ["case list", "record", ERASED], ["case list", "record", HANDED_OVER], ["case page", "record", CASE]].sort());
    await page.context().close();
  });

  it("console cases - the JSON routes answer as the pages: content for a participant, 403, 404, 410 and metadata", async () => {
    const opened = (await (await api("l.peeters", `/api/cases/${CASE}`)).json()) as {
      view: string; role: string; summary: { text: string }; tasks: { task: { text: string }; report?: { text?: { text: string } } }[]; consultations: { direction: string; question?: string; answerTexts?: { text?: string }[] }[];
    };
    expect(opened).toMatchObject({ view: "participant", role: "livc-coordinator", summary: { text: SUMMARY } });
    expect(opened.consultations.map((c) => [c.direction, c.question, c.answerTexts?.map((a) => a.text)])).toEqual([["outgoing", ASKED, [ANSWER]], ["incoming", ASKED_OF_US, []]]);
    const handover = (await (await api("l.peeters", `/api/cases/${HANDED_OVER}`)).json()) as Record<string, unknown>;
    expect(handover).toMatchObject({ view: "handover", role: "livc-coordinator", handover: { caseRef: HANDED_OVER, from: "antwerpen", handover: HANDOVER } });
    expect(opened.tasks.map((t) => [t.task.text, t.report?.text?.text])).toEqual([[POLICE_TASK, REPORT], [OWN_TASK, undefined]]);
    const list = (await (await api("l.peeters", "/api/cases")).json()) as { items: { caseRef: string; tasks: { state: string }[] }[]; transfersIn: { caseRef: string; from: string; handover?: string }[] };
    expect(list.transfersIn).toEqual([expect.objectContaining({ caseRef: HANDED_OVER, from: "antwerpen" })]);
    expect(list.transfersIn[0]!.handover).toBeUndefined();
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
    expect(JSON.stringify(platform)).not.toContain(ASKED);
    expect((platform.consultations as { state: string }[]).map((c) => c.state)).toEqual(["answered", "awaiting"]);
    const livc = (await (await api("c.dupont", "/api/livc")).json()) as { items: { municipality: string; versions: unknown[] }[] };
    // fed-police is a member of mechelen's LIVC-R, and as a liaison (a notice sender) it receives antwerpen's composition too.
    expect(livc.items.map((c) => c.municipality)).toEqual(["antwerpen", "mechelen"]);
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
