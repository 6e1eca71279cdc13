/**
 * The console's digest and library pages against a real bus: a municipality's digest lists every
 * item with its domain, tier and effective date and confirms one as read (a signed digest.read to
 * the item's policy domain and the platform); the library filters by form, tier and date and
 * refuses an unknown filter naming it; the curator's person publishes a submission to everyone;
 * who may confirm, route, curate and post is the person actions' (a reader confirms but does not
 * route, VVSG's reader does not curate, a municipality posts through its local contact point, to
 * the municipalities near it only).
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
let reader: string;
let vvsgReader: string;
let marc: string;
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
  reader = tokenFor(bus, "x.lezer");
  vvsgReader = tokenFor(bus, "o.aerts");
  marc = tokenFor(bus, "m.peeters");
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
  // Beside the demo persons: a reader at mechelen, and a VVSG person as a persons file of the previous release had them (a reader only).
  const persons = [...demoPersons(bus), { id: "x.lezer", name: "Xavier Lezer", organisation: "mechelen", roles: ["reader" as const] }, { id: "o.aerts", name: "Olga Aerts", organisation: "vvsg", roles: ["reader" as const] }];
  app = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons }, onNote: () => undefined });
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
    expect(page).toMatch(/<dd data-field="tier"><abbr class="term" data-term="primary"[^>]*>primary<\/abbr><\/dd>/);
    expect(page).toMatch(/<dd data-field="tier"><abbr class="term" data-term="tertiary"[^>]*>tertiary<\/abbr><\/dd>/);
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

  it("console actions - a reader confirms but may not route, VVSG's reader may not curate; a municipality posts through its contact point, to nearby municipalities only", async () => {
    const page = await (await call(reader, "/digests")).text();
    expect(page).toContain(`action="/digests/${digestId}/confirm"`);
    expect(page).not.toContain(`<option value="clb-mechelen">`);
    const route = await call(reader, `/digests/${digestId}/route`, { method: "POST", body: new URLSearchParams({ updateId: budget, partner: "clb-mechelen" }).toString() });
    expect(route.status).toBe(403);
    expect(await route.text()).toContain("it needs livc-coordinator or livc-member or local-contact-point");
    expect((await call(reader, `/digests/${digestId}/confirm`, { method: "POST", body: new URLSearchParams({ updateId: budget }).toString() })).status).toBe(303);

    expect(await (await call(vvsgReader, "/library")).text()).not.toContain("/curate");
    const curate = await call(vvsgReader, "/library/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/curate", { method: "POST", body: new URLSearchParams({ decision: "rejected", reason: "no" }).toString() });
    expect(curate.status).toBe(403);
    expect(await curate.text()).toContain("it needs knowledge-curator");

    expect((await call(marc, "/post")).status).toBe(403);
    const form = await (await call(lotte, "/post")).text();
    expect(form).toContain("data-nearby");
    expect(form).toContain(`value="willebroek"`);
    expect(form).not.toContain(`value="gent"`);
    expect(form).not.toContain(`value="fed-ocam"`);
    const post = (recipients: string[]) => fetch(new URL("/api/notices", app.url), {
      method: "POST", headers: { ...bearer(lotte), "content-type": "application/json" },
      body: JSON.stringify({ recipients, title: "Tension after a local event", body: "Groups may move to neighbouring towns this weekend.", category: "information", ackRequired: false }),
    });
    const far = await post(["gent"]);
    expect(far.status).toBe(422);
    expect(JSON.stringify(await far.json())).toContain('may address only the municipalities that border on it');
    const near = await post(["willebroek"]);
    expect(near.status, await near.clone().text()).toBe(201);
    const stored = await waitFor(async () => (await storedOfType(await bus.jsm(), "notice.posted", "mechelen")).find((m) => m.envelope.audience === "willebroek"), { what: "mechelen's notice to willebroek" });
    expect(stored.envelope).toMatchObject({ actorrole: "local-contact-point" });
  });
});
