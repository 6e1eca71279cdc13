/**
 * The console's glossary against a real bus: the glossary page shows the built-in version and,
 * once the platform adopts a new one, that version too; every vocabulary term in the pages carries
 * its definition (one shared helper), from the newest version the console read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyGlossaryChange, BUILTIN_GLOSSARY, newMessageId } from "@schakel/contracts";
import { orgState } from "@schakel/organisation";
import { startSchakelServer, waitFor, type SchakelServer } from "@schakel/harness";
import { startConsole, type RunningConsole } from "../src/mod.ts";
import { bearer, demoPersons, tokenFor } from "./sign-in.ts";

let bus: SchakelServer;
let app: RunningConsole;
let lotte: string;
const REDEFINED = "Extremism that rejects the equal worth of people on grounds of origin or religion (revised).";

const call = (path: string): Promise<Response> => fetch(new URL(path, app.url), { redirect: "manual", headers: bearer(lotte) });

beforeAll(async () => {
  bus = await startSchakelServer();
  lotte = tokenFor(bus, "l.peeters");
  const mechelen = await orgState(await bus.connectAs("mechelen"));
  await mechelen.knowledge.put("k1", {
    from: "vvsg", receivedAt: "2027-01-01T00:00:00.000Z", messageId: newMessageId(), sharedBy: "gent", status: "published", knowledgeId: newMessageId(),
    format: "intervision", title: "Far-right groups and families", summary: "Practice.", preventionTier: "secondary", extremismForms: ["far-right"],
  });
  app = await startConsole({ servers: bus.url, dataDir: bus.dataDir, signIn: { apiTokensOnly: true, persons: demoPersons(bus) }, onNote: () => undefined });
  await app.caughtUp;
});
afterAll(async () => {
  await app?.stop();
  await bus?.cleanup();
});

describe("console glossary", () => {
  it("console glossary - the built-in version lists every term with its definition, and terms in pages carry theirs", async () => {
    const page = await (await call("/glossary")).text();
    expect(page).toContain(`<dfn id="term-prevention-tier-tertiary">tertiary</dfn>`);
    expect(page).toContain(BUILTIN_GLOSSARY.terms["signal-kind"][0]!.definition);
    const library = await (await call("/library")).text();
    expect(library).toMatch(/<dd data-field="tier"><abbr class="term" data-term="secondary" data-glossary-version="1" title="secondary prevention: Prevention aimed at groups[^"]*">secondary<\/abbr><\/dd>/);
    expect(library).toMatch(/<dd data-field="forms"><abbr class="term" data-term="far-right"[^>]*>far-right<\/abbr><\/dd>/);
  });

  it("console glossary - a version the platform adopts is shown, and terms are explained by it; an unknown version is 404", async () => {
    const v2 = applyGlossaryChange(BUILTIN_GLOSSARY, { action: "redefine", vocabulary: "extremism-form", term: "far-right", definition: REDEFINED }, { at: new Date(), by: "vpr", proposalId: newMessageId() });
    const vpr = await bus.connectAs("vpr");
    await vpr.publish("glossary.adopted", { proposalId: v2.proposalId!, proposedBy: "vvsg", glossary: v2 }, { to: "all", glossaryVersion: 2 });
    const api = await waitFor(async () => {
      const body = (await (await call("/api/glossary")).json()) as { glossary: { version: number }; versions: number[] };
      return body.glossary.version === 2 ? body : undefined;
    }, { what: "the console reading glossary v2" });
    expect(api.versions).toEqual([1, 2]);
    const page = await (await call("/glossary?version=2")).text();
    expect(page).toContain(REDEFINED);
    expect(page).toMatch(/revised in version 2/);
    const library = await (await call("/library")).text();
    expect(library).toMatch(new RegExp(`data-term="far-right" data-glossary-version="2" title="far-right: ${REDEFINED.replace(/[()]/g, "\\$&")}"`));
    const missing = await call("/glossary?version=9");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not-found", message: expect.stringContaining("held: 1, 2") } });
  });
});
