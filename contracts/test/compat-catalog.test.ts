/**
 * The catalog against its committed history (contracts/schemas/<type>/v<N>.json): this is the
 * check that fails a change breaking the readers of a released version. The synthetic cases
 * below change a copy of the real history to show each failure names the type and what to do.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_TYPES } from "@schakel/contracts";
import { checkHistory, planRelease } from "../src/compat/history.ts";
import type { JsonSchema } from "../src/compat/schema-diff.ts";
import { currentSchemas, readSnapshots, type CurrentSchemas, type SnapshotHistory } from "../src/compat/snapshots.ts";

type Props = Record<string, JsonSchema>;
const clone = <T>(v: T): T => structuredClone(v);

/** A copy of the current catalog whose notice.posted schema was edited by `edit`. */
function withNotice(current: CurrentSchemas, edit: (schema: JsonSchema & { properties: Props; required: string[] }) => void, version?: number): CurrentSchemas {
  const copy = clone(current);
  const entry = copy.get("notice.posted")!;
  edit(entry.schema as JsonSchema & { properties: Props; required: string[] });
  if (version) entry.version = version;
  return copy;
}

describe("compat - the catalog against its released schemas", () => {
  let released: SnapshotHistory;
  let current: CurrentSchemas;
  beforeAll(async () => {
    released = await readSnapshots();
    current = currentSchemas();
  });

  it("compat - every catalog type is released at its version and compatible with it", () => {
    expect(checkHistory(current, released).map((p) => p.problem)).toEqual([]);
    expect([...released.keys()].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it("compat - a breaking edit of a released version fails and says to bump the version", () => {
    const narrowed = withNotice(current, (s) => {
      s.properties["category"]!.enum = ["threat-assessment"];
      s.required.push("preventionTier");
    });
    const [problem, ...rest] = checkHistory(narrowed, released);
    expect(rest).toEqual([]);
    expect(problem!.type).toBe("notice.posted");
    expect(problem!.breaks!.map((b) => `${b.kind} ${b.path}`).sort()).toEqual(["enum-narrowed data.category", "required-added data.preventionTier"]);
    expect(problem!.problem).toContain("bump the catalog version to v2");
  });

  it("compat - a compatible edit passes without a new release", () => {
    const widened = withNotice(current, (s) => {
      (s.properties["category"]!.enum as string[]).push("recall");
      s.properties["source"] = { type: "string", maxLength: 200 };
    });
    expect(checkHistory(widened, released)).toEqual([]);
    expect(planRelease("notice.posted", widened, released)).toMatchObject({ action: "refresh", version: 1 });
  });

  it("compat - a bumped version must be released, and must stay readable for readers of the previous one", () => {
    const bumped = withNotice(current, (s) => void s.required.push("preventionTier"), 2);
    expect(checkHistory(bumped, released).map((p) => p.problem)).toEqual([expect.stringContaining("notice.posted v2 was never released")]);
    expect(planRelease("notice.posted", bumped, released)).toEqual({ action: "create", version: 2 });
    const history = clone(released);
    history.get("notice.posted")!.set(2, bumped.get("notice.posted")!.schema);
    expect(checkHistory(bumped, history)).toEqual([]);
    // A v2 that drops a field v1 readers require is refused: that is a new type.
    const dropped = withNotice(current, (s) => void (s.required = s.required.filter((f) => f !== "category")), 2);
    expect(planRelease("notice.posted", dropped, released)).toMatchObject({ action: "refuse", reason: expect.stringContaining("new message type") });
    history.get("notice.posted")!.set(2, dropped.get("notice.posted")!.schema);
    const [problem] = checkHistory(dropped, history);
    expect(problem!.problem).toMatch(/readers of notice\.posted v1 cannot read v2 .*required-dropped/);
  });

  it("compat - a released type may not disappear, and an unreleased one is reported", () => {
    const withoutNotice = clone(current);
    withoutNotice.delete("notice.posted");
    expect(checkHistory(withoutNotice, released).map((p) => p.problem)).toEqual([expect.stringContaining("notice.posted was released but is gone")]);
    const unreleased = clone(released);
    unreleased.delete("knowledge.shared");
    expect(checkHistory(current, unreleased).map((p) => p.problem)).toEqual([expect.stringContaining('run "npm run schemas:release -w @schakel/contracts -- knowledge.shared"')]);
  });

  it("compat - releasing refuses a breaking edit of a released version and leaves identical ones alone", () => {
    expect(planRelease("notice.posted", current, released)).toEqual({ action: "unchanged", version: 1 });
    const removed = withNotice(current, (s) => void delete s.properties["caseRef"]);
    expect(planRelease("notice.posted", removed, released)).toMatchObject({ action: "refuse", reason: expect.stringContaining("field-removed") });
  });
});
