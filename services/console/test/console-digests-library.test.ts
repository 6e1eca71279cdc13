/**
 * The console's digest and library pages against a real bus: a municipality's digest lists every
 * item with its domain, tier and effective date and confirms one as read (a signed digest.read to
 * the item's policy domain and the platform); the library filters by form, tier and date and
 * refuses an unknown filter naming it; the curator's person publishes a submission to everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId } from "@schakel/contracts";
import { orgState, policyUpdatesIn } from "@schakel/organisation";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { startConsole, type RunningConsole } from "../src/mod.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

let bus: SchakelServer;
let app: RunningConsole;
let lotte: string;
let greet: string;
let bert: string;
const digestId = newMessageId();
const schools = newMessageId();
const budget = newMessageId();

const call = (token: string, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(new URL(path, app.url), { redirect: "manual", ...init, headers: { ...bearer(token), ...(init.body ? { "content-type": "application/x-www-form-urlencoded", origin: new URL(app.url).origin } : {}) } });

beforeAll(async () => {
  bus = await startSchakelServer();
  lotte = tokenFor(bus, "l.peeters");
  greet = tokenFor(bus, "g.aerts");
  bert = tokenFor(bus, "b.goossens");
  await policyUpdatesIn(await orgState(await bus.connectAs("onderwijs"))).put(schools, {
    updateId: schools, title: "Contact point for polarisation in schools", concerns: ["mechelen", "gent"], preventionTier: "primary", publishedAt: "2027-01-10T08:00:00.000Z",
    reads: [{ municipality: "mechelen", digestId, at: "2027-01-11T10:00:00.000Z", messageId: newMessageId() }],
    routes: [{ routeId: newMessageId(), municipality: "mechelen", partner: "clb-mechelen", at: "2027-01-11T10:05:00.000Z", messageId: newMessageId() }],
  });
  const mechelen = await orgState(await bus.connectAs("mechelen"));
  await mechelen.digests.put(digestId, {
    digestId, from: "vpr", windowStart: "2027-01-10T09:00:00.000Z", windowEnd: "2027-01-10T09:01:00.000Z", receivedAt: "2027-01-10T09:01:01.000Z", messageId: newMessageId(),
    items: [
      { updateId: schools, domain: "onderwijs", publishedBy: "onderwijs", title: "Contact point for polarisation in schools", summary: "Each school names a contact point.", preventionTier: "primary", effectiveFrom: "2027-02-01T00:00:00.000Z" },
      { updateId: budget, domain: "welzijn", publishedBy: "welzijn", title: "Support for families of detainees", summary: "New support.", preventionTier: "tertiary" },
    ],
  });
  const published = { from: "vvsg", receivedAt: "2027-01-01T00:00:00.000Z", messageId: newMessageId(), sharedBy: "gent", status: "published" as const };
  await mechelen.knowledge.put("k1", { ...published, knowledgeId: newMessageId(), format: "intervision", title: "Far-right groups and families", summary: "Practice.", date: "2027-03-10T09:00:00.000Z", preventionTier: "secondary", extremismForms: ["far-right"], domain: "jeugd", location: "Gent" });
  await mechelen.knowledge.put("k2", { ...published, knowledgeId: newMessageId(), format: "training", title: "Online recruitment", summary: "Training.", date: "2027-05-01T09:00:00.000Z", preventionTier: "primary", extremismForms: ["jihadist"] });
  const vvsg = await orgState(await bus.connectAs("vvsg"));
  await vvsg.knowledge.put("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", { knowledgeId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", from: "gent", sharedBy: "gent", status: "submitted", format: "study-day", title: "Study day on re-integration", summary: "Practice.", receivedAt: "2027-01-02T00:00:00.000Z", messageId: newMessageId() });
  app = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons: demoPersons(bus) }, onNote: () => undefined });
  await app.caughtUp;
});
afterAll(async () => {
  await app?.stop();
  await bus?.cleanup();
});

describe("console digests and library", () => {
  it("console digests - every item with domain, tier and effective date; confirming one sends digest.read to its domain and the platform", async () => {
    const page = await (await call(lotte, "/digests")).text();
    expect(page).toContain("Contact point for polarisation in schools");
    expect(page).toMatch(/<dd data-field="tier">primary<\/dd>/);
    expect(page).toMatch(/<dd data-field="tier">tertiary<\/dd>/);
    expect(page).toMatch(/<dd data-field="effective"><time datetime="2027-02-01T00:00:00.000Z"/);
    expect(page).toContain(`action="/digests/${digestId}/confirm"`);
    expect(page).toContain(`<option value="clb-mechelen">`);
    const posted = await call(lotte, `/digests/${digestId}/confirm`, { method: "POST", body: new URLSearchParams({ updateId: schools }).toString() });
    expect(posted.status).toBe(303);
    const after = await (await call(lotte, "/digests")).text();
    expect(after).toMatch(new RegExp(`data-update="${schools}" data-read="yes"`));
    expect(after).toMatch(new RegExp(`data-update="${budget}" data-read="no"`));
    const reads = await waitFor(async () => {
      const r = await storedOfType<{ items: { updateId: string }[] }>(await bus.jsm(), "digest.read", "mechelen");
      return r.length >= 2 ? r : undefined;
    }, { what: "the digest.read copies" });
    expect(reads.map((r) => r.envelope.audience).sort()).toEqual(["onderwijs", "vpr"]);
    expect((reads[0]!.envelope as { actor?: string }).actor).toMatch(/^p-/);
    const refused = await call(lotte, `/digests/${digestId}/route`, { method: "POST", body: new URLSearchParams({ updateId: schools, partner: "pz-antwerpen" }).toString() });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("is not a local partner of mechelen");
    const routed = await call(lotte, `/digests/${digestId}/route`, { method: "POST", body: new URLSearchParams({ updateId: schools, partner: "clb-mechelen", remark: "For the schools" }).toString() });
    expect(routed.status).toBe(303);
    const copies = await storedOfType<{ partner: string }>(await bus.jsm(), "digest.item.routed", "mechelen");
    expect(copies.map((m) => m.envelope.audience).sort()).toEqual(["clb-mechelen", "onderwijs"]);
    expect(await (await call(lotte, "/digests")).text()).toMatch(/<dd data-field="routed">clb-mechelen<\/dd>/);
  });

  it("console digests - a policy domain sees per update who read it, who has not, and who took it up", async () => {
    const page = await (await call(bert, "/digests")).text();
    expect(page).toContain(`data-update="${schools}"`);
    expect(page).toMatch(/<dd data-field="read-by">mechelen \(<time/);
    expect(page).toMatch(/<dd data-field="not-read">gent<\/dd>/);
    expect(page).toMatch(/<dd data-field="taken-up">mechelen → clb-mechelen<\/dd>/);
  });

  it("console library - filters by form, tier and date, refuses an unknown filter by name; the curator publishes a submission", async () => {
    const farRight = await (await call(lotte, "/library?form=far-right&tier=secondary&from=2027-03-01&to=2027-03-31")).text();
    expect(farRight).toContain("Far-right groups and families");
    expect(farRight).not.toContain("Online recruitment");
    expect(farRight).toMatch(/<dd data-field="place">Gent<\/dd>/);
    const api = await (await call(lotte, "/api/library?tier=primary")).json() as { items: { title: string }[] };
    expect(api.items.map((i) => i.title)).toEqual(["Online recruitment"]);
    const bad = await call(lotte, "/api/library?tier=quaternary");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("tier \\\"quaternary\\\" is not one of primary, secondary, tertiary");
    expect(await (await call(lotte, "/library")).text()).not.toContain("/curate");
    const curatorPage = await (await call(greet, "/library")).text();
    expect(curatorPage).toContain("Study day on re-integration");
    const decided = await call(greet, "/library/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/curate", { method: "POST", body: new URLSearchParams({ decision: "published" }).toString() });
    expect(decided.status).toBe(303);
    const curated = await storedOfType<{ decision: string; sharedBy: string }>(await bus.jsm(), "knowledge.curated", "vvsg");
    expect(curated.map((m) => [m.envelope.audience, m.envelope.data.decision, m.envelope.data.sharedBy])).toEqual([["all", "published", "gent"]]);
    const forged = await call(lotte, "/library/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/curate", { method: "POST", body: new URLSearchParams({ decision: "published" }).toString() });
    expect(forged.status).toBe(403);
  });
});
