/**
 * The console's digest and library pages against a real bus: a municipality's digest lists every
 * item with its domain, tier and effective date and confirms one as read (a signed digest.read to
 * the item's policy domain and the platform); the library filters by form, tier and date and
 * refuses an unknown filter naming it; the curator's person publishes a submission to everyone;
 * who may confirm, route, curate and post is the person actions' (a reader confirms but does not
 * route, VVSG's reader does not curate, a municipality posts through its local contact point, to
 * the municipalities near it only, refused at the field in the reader's language); the platform's
 * coordinator sees per municipality how far each digest it published was read, as the platform
 * service recorded the municipality's digest.read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId } from "@schakel/contracts";
import { orgState, policyUpdatesIn } from "@schakel/organisation";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { flemishService } from "@schakel/flemish";
import { openPlatformStores } from "@schakel/platform";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
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
let coordinator: string;
let platform: ServiceHost;
const digestId = newMessageId();
const olderDigest = newMessageId();
const gentDigest = newMessageId();
const schools = newMessageId();
const budget = newMessageId();

const call = (token: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> =>
  fetch(new URL(path, app.url), { redirect: "manual", ...init, headers: { ...bearer(token), ...(init.body ? { "content-type": "application/x-www-form-urlencoded", origin: new URL(app.url).origin } : {}), ...init.headers } });

beforeAll(async () => {
  bus = await startSchakelServer();
  lotte = tokenFor(bus, "l.peeters");
  greet = tokenFor(bus, "g.aerts");
  bert = tokenFor(bus, "b.goossens");
  reader = tokenFor(bus, "x.lezer");
  vvsgReader = tokenFor(bus, "o.aerts");
  marc = tokenFor(bus, "m.peeters");
  coordinator = tokenFor(bus, "e.janssens");
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
  // The platform's record of the digests it published: mechelen's digest above (two items) and an
  // older one read in part, gent's not read; the platform service records the reads that follow.
  const window = (at: string) => ({ windowStart: `${at}T09:00:00.000Z`, windowEnd: `${at}T09:01:00.000Z`, publishedAt: `${at}T09:01:00.500Z`, messageId: newMessageId() });
  const vpr = await openPlatformStores(await bus.connectAs("vpr"));
  await vpr.digests.put("mechelen", { municipality: "mechelen", pending: [], bundled: [schools, budget], published: [
    { digestId: olderDigest, ...window("2027-01-03"), items: 3, reads: [{ messageId: newMessageId(), readAt: "2027-01-04T08:00:00.000Z", items: [newMessageId()] }] },
    { digestId, ...window("2027-01-10"), items: 2 },
  ] });
  await vpr.digests.put("gent", { municipality: "gent", pending: [], bundled: [schools], published: [{ digestId: gentDigest, ...window("2027-01-10"), items: 1 }] });
  platform = await startService(flemishService, { orgs: ["vpr"], dataDir: bus.dataDir, server: bus.url, logger: createLogger({ service: "flemish", level: "silent" }) });
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
  await platform?.stop();
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
    // The form refuses at the field, in the reader's language, naming whom it refused and whom mechelen may address.
    const farForm = (language: string) => call(lotte, "/post", {
      method: "POST", headers: { "accept-language": language },
      body: new URLSearchParams([["recipients", "gent"], ["recipients", "fed-ocam"], ["title", "Tension after a local event"], ["body", "Groups may move."], ["category", "information"]]).toString(),
    });
    const nl = await farForm("nl-BE,nl;q=0.9");
    expect(nl.status).toBe(422);
    expect(await nl.text()).toMatch(/<p class="error" id="err-recipients">.*mechelen mag geen kennisgeving sturen aan gent, fed-ocam: een gemeente richt zich alleen tot de gemeenten die eraan grenzen of in haar provincie liggen \(antwerpen\): antwerpen, willebroek<\/p>/);
    const en = await farForm("en");
    expect(en.status).toBe(422);
    expect(await en.text()).toMatch(/<p class="error" id="err-recipients">.*mechelen may not address gent, fed-ocam: as a municipality it may address only the municipalities that border on it or lie in its province \(antwerpen\): antwerpen, willebroek<\/p>/);
    expect((await storedOfType(await bus.jsm(), "notice.posted", "mechelen")).length).toBe(0);
    const near = await post(["willebroek"]);
    expect(near.status, await near.clone().text()).toBe(201);
    const stored = await waitFor(async () => (await storedOfType(await bus.jsm(), "notice.posted", "mechelen")).find((m) => m.envelope.audience === "willebroek"), { what: "mechelen's notice to willebroek" });
    expect(stored.envelope).toMatchObject({ actorrole: "local-contact-point" });
  });

  it("console digests - the platform sees per municipality how far each digest it published was read, filters those not read in full, in en and nl", async () => {
    type Row = { municipality: string; digestId: string; items: number; readItems: number; lastReadAt: string | null; state: string };
    // Mechelen confirmed both items from this console (its coordinator, then its reader); the platform service recorded each digest.read.
    const api = await waitFor(async () => {
      const { published } = await (await call(coordinator, "/api/digests")).json() as { published: Row[] };
      return published.find((r) => r.digestId === digestId)?.readItems === 2 ? published : undefined;
    }, { what: "the platform's record of mechelen's two reads" });
    expect(api.map((r) => [r.municipality, r.digestId, `${r.readItems}/${r.items}`, r.state])).toEqual([
      ["gent", gentDigest, "0/1", "not-read"], ["mechelen", digestId, "2/2", "read"], ["mechelen", olderDigest, "1/3", "partly-read"],
    ]);
    const reads = (await storedOfType<{ readAt: string }>(await bus.jsm(), "digest.read", "mechelen")).filter((m) => m.envelope.audience === "vpr").map((m) => m.envelope.data.readAt).sort();
    expect(reads).toHaveLength(2);
    expect(api.find((r) => r.digestId === digestId)?.lastReadAt).toBe(reads[1]);

    const rowOf = (page: string, id: string) => page.match(new RegExp(`<tr data-digest="${id}"[^>]*>[\\s\\S]*?</tr>`))?.[0] ?? "";
    const en = await (await call(coordinator, "/digests")).text();
    expect(rowOf(en, digestId)).toMatch(/data-read="read".*<td data-field="reading"><span[^>]*>2\/2 read<\/span>/s);
    expect(rowOf(en, digestId)).toContain(`<td data-field="last-read"><time datetime="${reads[1]}"`);
    expect(rowOf(en, olderDigest)).toMatch(/1\/3 read<\/span>.*<time datetime="2027-01-04T08:00:00.000Z"/s);
    expect(rowOf(en, gentDigest)).toMatch(/data-municipality="gent" data-read="not-read".*>not read<\/span>.*<td data-field="last-read">—<\/td>/s);
    const unread = await (await call(coordinator, "/digests?unread=1")).text();
    expect(unread).toMatch(/<input type="checkbox" name="unread" value="1" checked>/);
    expect([rowOf(unread, digestId), rowOf(unread, olderDigest) !== "", rowOf(unread, gentDigest) !== ""]).toEqual(["", true, true]);
    const unreadApi = await (await call(coordinator, "/api/digests?unread=1")).json() as { published: Row[] };
    expect(unreadApi.published.map((r) => r.digestId)).toEqual([gentDigest, olderDigest]);

    const nl = await (await call(coordinator, "/digests", { headers: { "accept-language": "nl-BE" } })).text();
    expect(nl).toContain("Alleen overzichten die niet volledig gelezen zijn");
    expect(rowOf(nl, digestId)).toContain(">2/2 gelezen</span>");
    expect(rowOf(nl, olderDigest)).toContain(">1/3 gelezen</span>");
    expect(rowOf(nl, gentDigest)).toContain(">niet gelezen</span>");
    // A municipality still sees its own digests, never the platform's follow-up.
    expect(await (await call(lotte, "/digests")).text()).not.toContain("published-digests");
  });
});
