/**
 * Digests people read and confirm, and knowledge that can be found again, on a real bus with the
 * level services: every digest item shows its tier and effective date; a municipality's read
 * confirmation and its route to a local partner reach the policy domain; a route to an
 * organisation that is not its local partner is refused; knowledge shared with VVSG is curated
 * into the library and found by search; a signed-in person confirms, routes and curates only in a
 * role the person actions allow; records written by the previous release still read.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterSubject, newMessageId, orgStateBucket, STREAMS } from "@schakel/contracts";
import { openBucket } from "@schakel/contracts/bus";
import { startSchakelServer, storedMessages, waitFor, type SchakelServer } from "@schakel/harness";
import { caseKeysFor, inboxHandlers, orgState, ORG_RECORD_PREFIXES } from "@schakel/organisation";
import { consumeWithLogs, createLogger, ServiceHost, type ServiceDefinition } from "@schakel/runtime";
import { startLevelServices, type LevelServices } from "@schakel/stack";
import { DEFAULT_PERSONS_PATH } from "@schakel/infra";
import { removeSession } from "../src/session/store.ts";
import { runInProcess } from "./support/run-cli.ts";
import { signInAt } from "./support/sign-in.ts";

let s: SchakelServer;
let g: string[];
let services: LevelServices;
const extra: ServiceHost[] = [];

/** Any organisation's inbox, for those the level services do not host (yet). */
const inboxOnly: ServiceDefinition<object> = {
  name: "inbox", description: "inbox handlers only", organisations: () => [],
  async start(ctx) {
    const c = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus), { caseKeys: caseKeysFor(ctx) }));
    return { stop: () => c.stop(), kill: () => c.stop() };
  },
};

const cli = async <T>(...args: string[]): Promise<T> => {
  const r = await runInProcess([...g, ...args, "--json"]);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
};
type Digest = { digestId: string; items: { updateId: string; preventionTier?: string; effectiveFrom?: string }[]; reads?: { updateId: string }[]; routedBy?: { municipality: string } };
type Uptake = { update: { reads: { municipality: string }[]; routes: { municipality: string; partner: string }[] }; notRead: string[] };
type Knowledge = { knowledgeId: string; status?: string; title: string; date?: string; location?: string; link?: string; preventionTier?: string; extremismForms?: string[]; domain?: string; curation?: { reason?: string } };

beforeAll(async () => {
  s = await startSchakelServer();
  g = ["--data", s.dataDir, "--server", s.url];
  services = await startLevelServices({ dataDir: s.dataDir, url: s.url, directory: s.directory, options: { flemish: { tickMs: 100, digestWindowMs: 1_000 } } });
  const hosted = new Set(services.running.flatMap((r) => r.orgs));
  for (const org of ["clb-mechelen", "vvsg"].filter((o) => !hosted.has(o))) {
    extra.push(await ServiceHost.start(inboxOnly, { orgs: [org], dataDir: s.dataDir, server: s.url, directory: s.directory, logger: createLogger({ service: "inbox", level: "silent" }), options: {} }));
  }
});
afterAll(async () => {
  await Promise.all(extra.map((h) => h.stop()));
  await services?.stop();
  await s?.cleanup();
});

describe("cli - digests people read and confirm", () => {
  let digestId = "";
  let schools = "";
  let budget = "";

  it("digest - every item shows title, summary, domain, effective date and prevention tier", async () => {
    schools = (await cli<{ updateId: string }>("policy", "publish", "--as", "onderwijs", "--title", "Contact point for polarisation in schools",
      "--summary", "Each school names a contact point.", "--concerns", "mechelen", "--tier", "primary", "--effective-from", "2027-01-01T00:00:00Z")).updateId;
    budget = (await cli<{ updateId: string }>("policy", "publish", "--as", "welzijn", "--title", "Re-integration support after detention",
      "--summary", "New support for families of detainees.", "--concerns", "mechelen,gent", "--tier", "tertiary")).updateId;
    const digest = await waitFor(async () => (await cli<Digest[]>("digest", "list", "--as", "mechelen")).find((d) => d.items.length === 2),
      { timeoutMs: 15_000, what: "mechelen's digest with both updates" });
    digestId = digest.digestId;
    expect(digest.items.find((i) => i.updateId === schools)).toMatchObject({ preventionTier: "primary", effectiveFrom: "2027-01-01T00:00:00.000Z" });
    const shown = await runInProcess([...g, "digest", "show", digestId, "--as", "mechelen"]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("Contact point for polarisation in schools");
    expect(shown.stdout).toContain("Each school names a contact point.");
    expect(shown.stdout).toMatch(/onderwijs \(onderwijs\) · tier primary · effective 2027-01-01/);
    expect(shown.stdout).toMatch(/welzijn \(welzijn\) · tier tertiary · effective —/);
    expect(shown.stdout).toContain("not confirmed");
  });

  it("digest - a read confirmation per item, then for the digest, reaches the policy domains; a second one sends nothing", async () => {
    const one = await cli<{ confirmed: string[]; sentTo: string[] }>("digest", "confirm", digestId, "--as", "mechelen", "--item", schools);
    expect(one.confirmed).toEqual([schools]);
    expect(one.sentTo).toEqual(["onderwijs", "vpr"]);
    const seen = await waitFor(async () => {
      const u = await cli<Uptake>("policy", "status", schools, "--as", "onderwijs");
      return u.update.reads.length ? u : undefined;
    }, { timeoutMs: 10_000, what: "onderwijs to see mechelen's read" });
    expect(seen.update.reads.map((r) => r.municipality)).toEqual(["mechelen"]);
    expect(seen.notRead).toEqual([]);
    const rest = await cli<{ confirmed: string[]; alreadyRead: string[] }>("digest", "confirm", digestId, "--as", "mechelen");
    expect(rest).toMatchObject({ confirmed: [budget], alreadyRead: [schools] });
    const welzijn = await waitFor(async () => {
      const u = await cli<Uptake>("policy", "status", budget, "--as", "welzijn");
      return u.update.reads.length ? u : undefined;
    }, { timeoutMs: 10_000, what: "welzijn to see mechelen's read" });
    expect(welzijn.notRead).toEqual(["gent"]);
    expect(await cli("digest", "confirm", digestId, "--as", "mechelen")).toMatchObject({ confirmed: [], sentTo: [] });
    // The platform sees the digest it published for mechelen read in full, and gent's not at all.
    type Published = { municipality: string; published: { digestId: string; items: number; readItems: number; lastReadAt: string | null }[] };
    // Both records are the platform's own writes, each in its own time: wait for both.
    const atPlatform = await waitFor(async () => {
      const rows = await cli<Published[]>("digest", "list", "--as", "vpr");
      const mechelenRead = rows.find((w) => w.municipality === "mechelen")?.published.find((p) => p.digestId === digestId && p.readItems === 2);
      return mechelenRead && rows.find((w) => w.municipality === "gent")?.published.length ? rows : undefined;
    }, { timeoutMs: 10_000, what: "the platform's record of mechelen's reads and of gent's digest" });
    expect(atPlatform.find((w) => w.municipality === "gent")?.published[0]).toMatchObject({ readItems: 0, lastReadAt: null });
    const unread = await cli<Published[]>("digest", "list", "--as", "vpr", "--unread");
    expect(unread.map((w) => w.municipality)).toContain("gent");
    expect(unread.find((w) => w.municipality === "mechelen")?.published.some((p) => p.digestId === digestId)).not.toBe(true);
    const human = await runInProcess([...g, "digest", "list", "--as", "vpr"]);
    expect(human.stdout).toMatch(new RegExp(`mechelen\\s+${digestId}.*2/2 read`));
  });

  it("digest - an item routed to a local partner reaches it and the policy domain; a non-partner is refused by name", async () => {
    const routed = await cli<{ sentTo: string[] }>("digest", "route", digestId, schools, "--as", "mechelen", "--to", "clb-mechelen", "--remark", "For the school contact points");
    expect(routed.sentTo).toEqual(["clb-mechelen", "onderwijs"]);
    const atPartner = await waitFor(async () => (await cli<Digest[]>("digest", "list", "--as", "clb-mechelen")).find((d) => d.routedBy), { timeoutMs: 10_000, what: "the item at clb-mechelen" });
    expect(atPartner.routedBy?.municipality).toBe("mechelen");
    expect(atPartner.items[0]).toMatchObject({ updateId: schools, preventionTier: "primary" });
    const taken = await waitFor(async () => {
      const u = await cli<Uptake>("policy", "status", schools, "--as", "onderwijs");
      return u.update.routes.length ? u : undefined;
    }, { timeoutMs: 10_000, what: "onderwijs to see who took it up" });
    expect(taken.update.routes).toMatchObject([{ municipality: "mechelen", partner: "clb-mechelen" }]);
    const refused = await runInProcess([...g, "digest", "route", digestId, schools, "--as", "mechelen", "--to", "pz-antwerpen"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("\"pz-antwerpen\" is not a local partner of mechelen");
    expect(refused.stderr).toContain("clb-mechelen");
    // Another municipality cannot route to mechelen's partner either: the partner's service refuses it.
    const forged = await (await s.connectAs("gent")).publish("digest.item.routed", {
      routeId: newMessageId(), digestId, municipality: "gent", partner: "clb-mechelen", routedAt: new Date().toISOString(),
      item: { updateId: schools, domain: "onderwijs", publishedBy: "onderwijs", title: "Forged item", summary: "Not from mechelen." },
    }, { to: "clb-mechelen" });
    await waitFor(async () => (await storedMessages(await s.jsm(), deadLetterSubject("clb-mechelen", "handler-refused"), STREAMS.deadletter.name)).find((m) => m.envelope.id === forged.id),
      { timeoutMs: 10_000, what: "clb-mechelen refusing gent's route" });
  });
});

/** Signs `person` in at the command line, as `schakel login` leaves it (an hour's session). */
const signIn = (person: string): void => signInAt(s.dataDir, person);

/** Runs `body` with a persons file of the previous release: VVSG's person a reader only, and a reader at mechelen. */
async function withOldPersons(body: () => Promise<void>): Promise<void> {
  const demo = JSON.parse(readFileSync(DEFAULT_PERSONS_PATH, "utf8")) as { persons: { id: string; roles: string[] }[] };
  for (const p of demo.persons) if (p.id === "g.aerts") p.roles = ["reader"];
  demo.persons.push({ id: "x.lezer", name: "Xavier Lezer", organisation: "mechelen", roles: ["reader"] } as never);
  const file = join(mkdtempSync(join(tmpdir(), "schakel-persons-")), "persons.json");
  writeFileSync(file, JSON.stringify(demo, null, 2));
  const before = process.env.SCHAKEL_PERSONS;
  process.env.SCHAKEL_PERSONS = file;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env.SCHAKEL_PERSONS;
    else process.env.SCHAKEL_PERSONS = before;
    removeSession(s.dataDir);
  }
}

describe("cli - the knowledge library", () => {
  it("knowledge - shared with VVSG, curated, then found by search with date, place, link, tier and forms", async () => {
    const shared = await cli<{ knowledgeId: string; to: string }>("knowledge", "share", "--as", "mechelen", "--format", "intervision",
      "--title", "Intervision: talking with families about far-right groups", "--summary", "Coordinating officials compare their approach.",
      "--date", "2027-03-10T09:00:00Z", "--location", "Mechelen, stadhuis", "--link", "https://example.org/intervision",
      "--tier", "secondary", "--forms", "far-right", "--domain", "jeugd");
    expect(shared.to).toBe("vvsg");
    await waitFor(async () => (await cli<Knowledge[]>("knowledge", "list", "--as", "vvsg", "--status", "submitted")).some((k) => k.knowledgeId === shared.knowledgeId),
      { timeoutMs: 10_000, what: "the submission at vvsg" });
    expect(await cli<Knowledge[]>("knowledge", "search", "--as", "vvsg", "--text", "intervision")).toEqual([]);
    await cli("knowledge", "curate", shared.knowledgeId, "--as", "vvsg", "--publish");
    const found = await waitFor(async () => (await cli<Knowledge[]>("knowledge", "search", "--as", "gent", "--text", "far-right families",
      "--form", "far-right", "--tier", "secondary", "--domain", "jeugd", "--from", "2027-03-01", "--to", "2027-03-31"))[0], { timeoutMs: 10_000, what: "the item in gent's library" });
    expect(found).toMatchObject({
      knowledgeId: shared.knowledgeId, status: "published", date: "2027-03-10T09:00:00.000Z", location: "Mechelen, stadhuis",
      link: "https://example.org/intervision", preventionTier: "secondary", extremismForms: ["far-right"], domain: "jeugd",
    });
    expect(await cli<Knowledge[]>("knowledge", "search", "--as", "gent", "--tier", "primary")).toEqual([]);
    expect(await cli<Knowledge[]>("knowledge", "search", "--as", "gent", "--from", "2027-04-01")).toEqual([]);
    await waitFor(async () => (await cli<Knowledge[]>("knowledge", "list", "--as", "mechelen")).some((k) => k.knowledgeId === shared.knowledgeId),
      { timeoutMs: 10_000, what: "the item published in mechelen's own library" });
  });

  it("knowledge - a rejection needs a reason and reaches the organisation that shared it", async () => {
    const shared = await cli<{ knowledgeId: string }>("knowledge", "share", "--as", "gent", "--format", "expertise-document", "--title", "Notes of a meeting", "--summary", "Internal notes.");
    await waitFor(async () => (await cli<Knowledge[]>("knowledge", "list", "--as", "vvsg", "--status", "submitted")).some((k) => k.knowledgeId === shared.knowledgeId),
      { timeoutMs: 10_000, what: "the submission at vvsg" });
    const bare = await runInProcess([...g, "knowledge", "curate", shared.knowledgeId, "--as", "vvsg", "--reject"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("--reason");
    await cli("knowledge", "curate", shared.knowledgeId, "--as", "vvsg", "--reject", "--reason", "Internal notes, not for the library");
    const back = await waitFor(async () => (await cli<Knowledge[]>("knowledge", "list", "--as", "gent", "--status", "rejected")).find((k) => k.knowledgeId === shared.knowledgeId),
      { timeoutMs: 10_000, what: "the rejection at gent" });
    expect(back.curation?.reason).toBe("Internal notes, not for the library");
    expect((await cli<Knowledge[]>("knowledge", "list", "--as", "gent")).some((k) => k.knowledgeId === shared.knowledgeId)).toBe(false);
  });

  it("records of the previous release (digest items without tier or date, knowledge without curation) still read", async () => {
    const bus = await s.connectAs("leuven");
    const kv = await openBucket(bus, orgStateBucket("leuven"));
    const oldDigest = {
      digestId: newMessageId(), from: "vpr", windowStart: "2026-11-01T10:00:00.000Z", windowEnd: "2026-11-01T10:01:00.000Z", receivedAt: "2026-11-01T10:01:02.000Z", messageId: newMessageId(),
      items: [{ updateId: newMessageId(), domain: "werk", publishedBy: "werk", title: "Jobs for young people", summary: "A new programme.", link: "https://example.org/jobs" }],
    };
    const oldKnowledge = { knowledgeId: newMessageId(), from: "vvsg", format: "study-day", title: "Study day on polarisation", summary: "Practice shared.", receivedAt: "2026-11-02T09:00:00.000Z", messageId: newMessageId() };
    await kv.put(`${ORG_RECORD_PREFIXES.digests}.${oldDigest.digestId}`, JSON.stringify(oldDigest));
    await kv.put(`${ORG_RECORD_PREFIXES.knowledge}.${oldKnowledge.knowledgeId}`, JSON.stringify(oldKnowledge));
    await bus.close();
    const shown = await runInProcess([...g, "digest", "show", oldDigest.digestId, "--as", "leuven"]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/werk \(werk\) · tier — · effective —/);
    expect(shown.stdout).toContain("not confirmed");
    expect(await cli("digest", "confirm", oldDigest.digestId, "--as", "leuven")).toMatchObject({ confirmed: [oldDigest.items[0]!.updateId], sentTo: ["werk", "vpr"] });
    expect((await cli<Knowledge[]>("knowledge", "search", "--as", "leuven", "--text", "polarisation")).map((k) => k.knowledgeId)).toEqual([oldKnowledge.knowledgeId]);
  });
});

describe("cli - who may confirm, route and curate (person actions)", () => {
  it("actions - a reader confirms but may not route or curate; the curator curates as knowledge-curator", async () => {
    const digest = await waitFor(async () => (await cli<Digest[]>("digest", "list", "--as", "mechelen"))[0], { timeoutMs: 15_000, what: "a digest at mechelen" });
    await withOldPersons(async () => {
      signIn("x.lezer");
      expect(await cli("digest", "confirm", digest.digestId, "--as", "mechelen")).toMatchObject({ actor: { person: "x.lezer", role: "reader" } });
      const route = await runInProcess([...g, "digest", "route", digest.digestId, digest.items[0]!.updateId, "--as", "mechelen", "--to", "clb-mechelen"]);
      expect(route.code).toBe(2);
      expect(route.stderr).toContain("to route a digest item to a local partner a person needs livc-coordinator or livc-member or local-contact-point");
      signIn("g.aerts");
      const curate = await runInProcess([...g, "knowledge", "curate", newMessageId(), "--as", "vvsg", "--publish"]);
      expect(curate.code).toBe(2);
      expect(curate.stderr).toContain("to curate the knowledge library a person needs knowledge-curator");
    });
    const shared = await cli<{ knowledgeId: string }>("knowledge", "share", "--as", "gent", "--format", "training", "--title", "Training on online polarisation", "--summary", "Two half days.");
    await waitFor(async () => (await cli<Knowledge[]>("knowledge", "list", "--as", "vvsg", "--status", "submitted")).some((k) => k.knowledgeId === shared.knowledgeId),
      { timeoutMs: 10_000, what: "the submission at vvsg" });
    signIn("g.aerts");
    try {
      expect(await cli("knowledge", "curate", shared.knowledgeId, "--as", "vvsg", "--publish")).toMatchObject({ actor: { person: "g.aerts", role: "knowledge-curator" } });
    } finally {
      removeSession(s.dataDir);
    }
  });
});
