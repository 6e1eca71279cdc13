/**
 * What people type for `schakel livc` and `schakel case`: members with their person roles, tasks
 * with an owner, a deadline (a duration, or a time whose zone holds ':' itself) and a text, and
 * case references. Checked against the registry's key directory; no server needed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyDirectory } from "@schakel/contracts/bus";
import { ensureIdentities, loadRegistry } from "@schakel/infra";
import { parseMembers, parseOrganisations, parseTask, requireCaseRef } from "../src/case/input.ts";
import { usageMessage } from "./support/usage-error.ts";

const now = new Date("2026-12-06T10:00:00.000Z");


describe("cli case input", () => {
  let dir: string;
  let directory: KeyDirectory;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "schakel-case-input-"));
    directory = new KeyDirectory((await ensureIdentities(loadRegistry(), dir)).directory);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("case input - a task's deadline is a duration or a time with a zone, and the text may hold ':'", () => {
    expect(parseTask(directory, "fed-police:14d:Check in: twice", now)).toEqual({ owner: "fed-police", dueBy: new Date("2026-12-20T10:00:00.000Z"), task: "Check in: twice" });
    expect(parseTask(directory, "antwerpen:2026-12-31T17:00+01:00:Contact the school.", now)).toEqual({ owner: "antwerpen", dueBy: new Date("2026-12-31T16:00:00.000Z"), task: "Contact the school." });
    expect(parseTask(directory, "antwerpen:2026-12-31T17:00:00Z:x", now).dueBy.toISOString()).toBe("2026-12-31T17:00:00.000Z");
    expect(usageMessage(() => parseTask(directory, "antwerpen:2026-12-31T17:00:x", now))).toMatch(/--task antwerpen "2026-12-31T17:00" has no time zone/);
    expect(usageMessage(() => parseTask(directory, "antwerpen:soon:x", now))).toMatch(/--task antwerpen "soon" is neither a duration/);
    expect(usageMessage(() => parseTask(directory, "antwerpen:2d:", now))).toMatch(/--task antwerpen is empty/);
    expect(usageMessage(() => parseTask(directory, "antwerpen", now))).toMatch(/is not <owner>:<deadline>:<text>/);
    expect(usageMessage(() => parseTask(directory, "nowhere:2d:x", now))).toMatch(/--task: unknown organisation "nowhere"/);
  });

  it("case input - members name known organisations once, in roles their persons can hold", () => {
    expect(parseMembers(directory, ["fed-police:liaison,livc-member", "antwerpen:livc-member"])).toEqual([
      { org: "fed-police", roles: ["liaison", "livc-member"] }, { org: "antwerpen", roles: ["livc-member"] },
    ]);
    expect(usageMessage(() => parseMembers(directory, ["fed-ocam:livc-member"]))).toMatch(/--member fed-ocam: "fed-ocam" has no persons in role livc-member/);
    expect(usageMessage(() => parseMembers(directory, ["antwerpen:chair"]))).toMatch(/--member "chair" is not one of/);
    expect(usageMessage(() => parseMembers(directory, ["antwerpen"]))).toMatch(/--member "antwerpen" is not <org>:<role>/);
    expect(usageMessage(() => parseMembers(directory, ["antwerpen:livc-member", "antwerpen:reader"]))).toMatch(/"antwerpen" is listed twice/);
  });

  it("case input - case references are pseudonymous; recipients are organisations, never groups", () => {
    expect(requireCaseRef("LIVC-MECH-2026-0042")).toBe("LIVC-MECH-2026-0042");
    expect(usageMessage(() => requireCaseRef("Jan Peeters"))).toMatch(/CASE_REF "Jan Peeters" is not a case reference/);
    expect(parseOrganisations(directory, "fed-police, antwerpen,fed-police", "--to")).toEqual(["fed-police", "antwerpen"]);
    expect(usageMessage(() => parseOrganisations(directory, "local", "--to"))).toMatch(/--to: unknown organisation "local"/);
    expect(usageMessage(() => parseOrganisations(directory, " , ", "--to"))).toMatch(/--to is empty/);
  });
});
