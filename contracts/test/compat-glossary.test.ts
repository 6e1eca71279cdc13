/**
 * The glossary's compatibility check: the built-in glossary defines every term the message schemas
 * accept and stays compatible with the released one (contracts/schemas/glossary.json); removing a
 * term, changing its id or rewording it without a new version fails; adding and deprecating pass.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { applyGlossaryChange, BUILTIN_GLOSSARY, GlossaryRecord, RawEnvelope, type GlossaryRecord as Glossary } from "@schakel/contracts";
import { checkGlossary, readGlossarySnapshot, releaseGlossary } from "../src/compat/glossary.ts";

const at = { at: new Date("2026-06-01T10:00:00Z"), by: "vpr", proposalId: "0190a6a0-0000-7000-8000-000000000001" };
const withSignalKinds = (g: Glossary, edit: (terms: Glossary["terms"]["signal-kind"]) => Glossary["terms"]["signal-kind"]): Glossary => ({
  ...g, terms: { ...g.terms, "signal-kind": edit(g.terms["signal-kind"]) },
});

describe("compat - glossary", () => {
  it("compat - the built-in glossary is the released one, defines every accepted term, and is a valid record", async () => {
    const released = await readGlossarySnapshot();
    expect(checkGlossary(released, BUILTIN_GLOSSARY)).toEqual([]);
    expect(GlossaryRecord.safeParse(BUILTIN_GLOSSARY).success).toBe(true);
  });

  it("compat - releasing writes the glossary once; releasing it again leaves the file unchanged", async () => {
    const dir = await mkdtemp(join(tmpdir(), "glossary-"));
    try {
      const file = pathToFileURL(join(dir, "glossary.json"));
      expect(await releaseGlossary(file)).toEqual({ action: "refreshed" });
      expect(await releaseGlossary(file)).toEqual({ action: "unchanged" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("compat - removing a released term fails, naming it and the stored messages that use it", () => {
    const current = withSignalKinds(BUILTIN_GLOSSARY, (ts) => ts.filter((t) => t.term !== "tension"));
    const problems = checkGlossary(BUILTIN_GLOSSARY, current, { inUse: { "signal-kind": new Set(["tension"]) } });
    expect(problems.map((p) => p.term)).toContain("tension");
    expect(problems.find((p) => p.term === "tension" && /gone/.test(p.problem))?.problem).toMatch(/stored messages use it.*deprecate it instead/);
  });

  it("compat - changing a term's id fails (the old id is gone, the accepted term undefined)", () => {
    const current = withSignalKinds(BUILTIN_GLOSSARY, (ts) => ts.map((t) => (t.term === "incident" ? { ...t, term: "event" } : t)));
    const problems = checkGlossary(BUILTIN_GLOSSARY, current);
    expect(problems.map((p) => p.problem).join(" | ")).toMatch(/"incident" was released and is gone.*"incident" is accepted by the message schemas but has no definition/);
  });

  it("compat - rewording a term in place fails; the same change adopted as a new version passes", () => {
    const reworded = withSignalKinds(BUILTIN_GLOSSARY, (ts) => ts.map((t) => (t.term === "polarisation" ? { ...t, definition: "Any disagreement." } : t)));
    expect(checkGlossary(BUILTIN_GLOSSARY, reworded)[0]?.problem).toMatch(/redefined without a new glossary version/);
    const adopted = applyGlossaryChange(BUILTIN_GLOSSARY, { action: "redefine", vocabulary: "signal-kind", term: "polarisation", definition: "Sharpening us-versus-them thinking between groups." }, at);
    expect(adopted.version).toBe(2);
    expect(checkGlossary(BUILTIN_GLOSSARY, adopted)).toEqual([]);
  });

  it("compat - adding and deprecating terms pass; withdrawing a deprecation or going back a version fails", () => {
    const added = applyGlossaryChange(BUILTIN_GLOSSARY, { action: "add", vocabulary: "extremism-form", term: "eco-extremism", label: { nl: "eco-extremisme", en: "eco-extremism" }, definition: "Extremism in the name of the environment." }, at);
    const deprecated = applyGlossaryChange(added, { action: "deprecate", vocabulary: "extremism-form", term: "other-mixed" }, at);
    expect(deprecated.version).toBe(3);
    expect(checkGlossary(BUILTIN_GLOSSARY, deprecated)).toEqual([]);
    expect(deprecated.terms["extremism-form"].find((t) => t.term === "other-mixed")).toMatchObject({ deprecated: 3 });
    const withdrawn = { ...deprecated, version: 4, terms: { ...deprecated.terms, "extremism-form": deprecated.terms["extremism-form"].map(({ deprecated: _, ...t }) => t) } };
    expect(checkGlossary(deprecated, withdrawn)[0]?.problem).toMatch(/deprecation is not withdrawn/);
    expect(checkGlossary(deprecated, BUILTIN_GLOSSARY)[0]?.problem).toMatch(/version never goes back/);
  });

  it("compat - a change that does not fit its base version is refused, naming the term", () => {
    expect(() => applyGlossaryChange(BUILTIN_GLOSSARY, { action: "add", vocabulary: "prevention-tier", term: "primary", label: { nl: "p", en: "p" }, definition: "d" }, at)).toThrow(/"primary" is already a prevention-tier term/);
    expect(() => applyGlossaryChange(BUILTIN_GLOSSARY, { action: "deprecate", vocabulary: "signal-kind", term: "rumour" }, at)).toThrow(/"rumour" is not a signal-kind term/);
  });

  it("envelope - glossaryversion is an optional positive integer attribute with a CloudEvents name", () => {
    const base = { specversion: "1.0", id: "0190a6a0-0000-7000-8000-000000000002", source: "urn:schakel:org:mechelen", type: "notice.posted", time: "2026-06-01T10:00:00Z",
      datacontenttype: "application/json", dataschema: "urn:schakel:schema:notice.posted:v1", dataversion: 1, sender: "mechelen", audience: "vpr", classification: "restricted",
      correlationid: "0190a6a0-0000-7000-8000-000000000002", traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01`, signingkey: `U${"A".repeat(55)}`, data: {} };
    expect(RawEnvelope.safeParse(base).success).toBe(true);
    expect(RawEnvelope.safeParse({ ...base, glossaryversion: 2 }).success).toBe(true);
    expect(RawEnvelope.safeParse({ ...base, glossaryversion: "2" }).success).toBe(false);
    expect(RawEnvelope.safeParse({ ...base, glossaryversion: 0 }).success).toBe(false);
  });
});
