/**
 * The glossary conversation on a real server: a policy domain proposes a term, the platform adopts
 * it as version 2 and every organisation's service records that version; messages name the version
 * they use (by default the newest version their organisation holds), and a reader that holds only
 * version 1 still reads a message naming a newer one, as it reads a message of an earlier release
 * that names none.
 */
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { glossaryVersionOf, sampleData, subjectFor, type Envelope } from "@schakel/contracts";
import { CLOUDEVENTS_JSON, encodeSignature, HEADERS, signingBytes, type Bus, type ConsumeEvent, type KeyDirectory } from "@schakel/contracts/bus";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { consumeWithLogs, createLogger, startService, type ServiceDefinition, type ServiceHost } from "@schakel/runtime";
import { adoptGlossaryProposal, glossaryProposals, glossaryShelf, inboxHandlers, orgState, proposeGlossaryChange } from "../src/mod.ts";

const quiet = createLogger({ service: "glossary", level: "silent" });

/** Every organisation's common inbox, for the organisations asked. */
const inboxOnly: ServiceDefinition<Record<string, never>> = {
  name: "inbox",
  description: "records what is addressed to an organisation (test)",
  organisations: (directory: KeyDirectory) => directory.organisations.map((o) => o.id),
  flags: {},
  optionsFromFlags: () => ({}),
  async start(ctx) {
    const consumption = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus)));
    return { stop: () => consumption.stop(), kill: () => consumption.stop() };
  },
};

const ONLINE_HATE = {
  action: "add" as const, vocabulary: "signal-kind" as const, term: "online-hate",
  label: { nl: "online haat", en: "online hate" }, definition: "A campaign of hateful messages online aimed at a group or person in the municipality.",
};

let s: SchakelServer;
let host: ServiceHost;
beforeAll(async () => {
  s = await startSchakelServer();
  host = await startService(inboxOnly, { orgs: ["vpr", "mechelen"], dataDir: s.dataDir, server: s.url, logger: quiet });
});
afterAll(async () => {
  await host?.stop();
  await s?.cleanup();
});

/** A notice as `sender` signs it with the envelope changed by `edit`, published past the bus client (as another release would). */
async function publishEdited(sender: Bus, to: string, edit: (e: Record<string, unknown>) => void): Promise<{ id: string; seq: number }> {
  const template = sender.prepare("notice.posted", sampleData("notice.posted"), { to });
  const id = crypto.randomUUID();
  const envelope: Record<string, unknown> = { ...template.envelope, id, correlationid: id, time: new Date().toISOString() };
  edit(envelope);
  const subject = subjectFor("notice.posted", to, sender.org);
  const body = new TextEncoder().encode(JSON.stringify(envelope));
  const h = natsHeaders();
  h.set(HEADERS.contentType, CLOUDEVENTS_JSON);
  h.set(HEADERS.signature, encodeSignature(sender.identity.sign(signingBytes(subject, body))));
  h.set(HEADERS.traceparent, String(envelope.traceparent));
  const ack = await jetstream(await s.admin()).publish(subject, body, { headers: h, msgID: id });
  return { id, seq: ack.seq };
}

describe("glossary", () => {
  it("glossary - a policy domain proposes a term, the platform adopts it as v2, and every service records v2", async () => {
    const onderwijs = await s.connectAs("onderwijs");
    const proposed = await proposeGlossaryChange(onderwijs, { change: ONLINE_HATE, reason: "Schools report online hate campaigns that fit no signal kind." });
    expect(proposed).toMatchObject({ to: "vpr", basedOn: 1, duplicate: false });

    const vpr = host.bus("vpr");
    await waitFor(async () => (await glossaryProposals(await orgState(vpr))).some((p) => p.proposalId === proposed.proposalId && p.status === "proposed"), { what: "the proposal recorded by the platform" });
    const adopted = await adoptGlossaryProposal(vpr, proposed.proposalId, { now: new Date() });
    expect(adopted.version).toBe(2);
    expect(adopted.glossary.terms["signal-kind"].find((t) => t.term === "online-hate")).toMatchObject({ since: 2, definition: ONLINE_HATE.definition });

    const mechelen = host.bus("mechelen");
    const held = await waitFor(async () => (await glossaryShelf(await orgState(mechelen))).at(2), { what: "glossary v2 recorded by mechelen" });
    expect(held.proposalId).toBe(proposed.proposalId);
    expect((await glossaryShelf(await orgState(mechelen))).explain("signal-kind", "online-hate", 2).definition?.definition).toBe(ONLINE_HATE.definition);

    const [message] = (await storedOfType<unknown>(await s.jsm(), "glossary.adopted", "vpr")).filter((m) => m.envelope.id === adopted.messageId);
    expect(message?.envelope).toMatchObject({ audience: "all", glossaryversion: 2, causationid: expect.any(String) });
    const [proposal] = (await storedOfType<unknown>(await s.jsm(), "glossary.proposed", "onderwijs")).filter((m) => m.envelope.id === proposed.messageId);
    expect(proposal?.envelope).toMatchObject({ glossaryversion: 1 });

    // From now on mechelen's messages name v2 unless they say otherwise: its service's bus took it
    // when the version arrived, and a new connection takes it when it opens mechelen's state.
    const named = await mechelen.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam" });
    const later = await s.connectAs("mechelen");
    expect(later.glossaryVersion).toBe(1);
    await orgState(later);
    const fromLater = await later.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam" });
    const explicit = await later.publish("notice.acknowledged", sampleData("notice.acknowledged"), { to: "fed-ocam", glossaryVersion: 1 });
    const versions = new Map((await storedOfType<unknown>(await s.jsm(), "notice.acknowledged", "mechelen")).map((m) => [m.envelope.id, glossaryVersionOf(m.envelope as Envelope)]));
    expect([named.id, fromLater.id, explicit.id].map((id) => versions.get(id))).toEqual([2, 2, 1]);

    // Adopting again re-sends the same message: no second version.
    const again = await adoptGlossaryProposal(vpr, proposed.proposalId);
    expect(again).toMatchObject({ version: 2, messageId: adopted.messageId, duplicate: true });
    expect((await glossaryShelf(await orgState(vpr))).versions()).toEqual([1, 2]);
  });

  it("glossary - a change that does not fit, or an adoption by anyone but the platform, is refused before anything is sent", async () => {
    const vvsg = await s.connectAs("vvsg");
    await expect(proposeGlossaryChange(vvsg, { change: { action: "redefine", vocabulary: "extremism-form", term: "eco-extremism", definition: "x" }, reason: "r" }))
      .rejects.toMatchObject({ code: "schema", message: expect.stringContaining("eco-extremism") });
    await expect(proposeGlossaryChange(vvsg, { change: { action: "add", vocabulary: "signal-kind", term: "rumour", definition: "A rumour." } as never, reason: "r" }))
      .rejects.toMatchObject({ code: "schema", message: expect.stringContaining("label") });
    const mechelen = await s.connectAs("mechelen");
    await expect(adoptGlossaryProposal(mechelen, "0190a6a0-0000-7000-8000-000000000000")).rejects.toMatchObject({ code: "not-allowed" });
  });

  it("glossary - a reader holding only v1 reads a message naming a newer version, and an earlier release's message without the attribute as v1", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const antwerpen = await s.connectAs("antwerpen");
    const newer = await ocam.publish("notice.posted", { ...sampleData("notice.posted"), extremismForms: ["far-right"] }, { to: "antwerpen", glossaryVersion: 7 });
    const { id: old } = await publishEdited(ocam, "antwerpen", (e) => void delete e.glossaryversion);
    const seen = new Map<string, Envelope>();
    const c = antwerpen.consume({ handlers: { "notice.posted": (d) => void seen.set(d.envelope.id, d.envelope) } });
    await waitFor(() => seen.has(newer.id) && seen.has(old), { what: "both notices read by antwerpen" });
    await c.stop();
    expect(glossaryVersionOf(seen.get(newer.id)!)).toBe(7);
    expect(seen.get(old)!.glossaryversion).toBeUndefined();
    expect(glossaryVersionOf(seen.get(old)!)).toBe(1);
    // Antwerpen holds v1 only: the term is explained by the newest version it holds, its id kept.
    const shelf = await glossaryShelf(await orgState(antwerpen));
    expect(shelf.versions()).toEqual([1]);
    expect(shelf.explain("extremism-form", "far-right", 7)).toMatchObject({ term: "far-right", version: 1, definition: { term: "far-right" } });
    expect(shelf.explain("signal-kind", "online-hate", 7)).toEqual({ term: "online-hate" });
  });

  it("glossary - a term no release accepts yet is refused by the reader as invalid data, naming the field (new terms need readers first)", async () => {
    const ocam = await s.connectAs("fed-ocam");
    const antwerpen = await s.connectAs("antwerpen");
    const { seq } = await publishEdited(ocam, "antwerpen", (e) => {
      e.glossaryversion = 2;
      e.data = { ...(e.data as object), extremismForms: ["eco-extremism"] };
    });
    const events: ConsumeEvent[] = [];
    const c = antwerpen.consume({ handlers: { "notice.posted": () => undefined }, onEvent: (e) => void events.push(e) });
    const refused = await waitFor(() => events.find((e) => e.kind === "rejected" && e.seq === seq), { what: "the notice with an unknown term refused" });
    await c.stop();
    expect(refused.kind === "rejected" && refused.rejection).toMatchObject({ reason: "invalid-data", detail: expect.stringContaining("data.extremismForms") });
  });

  it("glossary - a glossary version that is not a positive integer is refused by the sending client", async () => {
    const ocam = await s.connectAs("fed-ocam");
    await expect(ocam.publish("notice.posted", sampleData("notice.posted"), { to: "antwerpen", glossaryVersion: 0 })).rejects.toMatchObject({ code: "schema", message: expect.stringContaining("glossaryVersion") });
  });
});
