/**
 * Each organisation's buckets in its grants: its own state `org-<id>` and its case state
 * `case-<id>`, the same grants for both, no other organisation's; and the number of grants does
 * not depend on the registry's size (two buckets per organisation, one shape each in the exports).
 */
import { describe, expect, it } from "vitest";
import { caseStateBucket, JS_API, orgStateBucket } from "@schakel/contracts";
import { bucketGrants, organisationGrants } from "../src/mod.ts";
import { generatedRegistry } from "../src/generated-registry.ts";

const small = generatedRegistry(13);
const large = generatedRegistry(150);
const M = "gemeente-0001";

/** The buckets a grant subject reaches: its KV stream or its `$KV.<bucket>.` subjects. */
function bucketsIn(subjects: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const s of subjects) {
    for (const m of s.matchAll(/KV_([\w-]+)|\$KV\.([\w-]+)\./g)) found.add((m[1] ?? m[2])!);
  }
  return found;
}

describe("bucket permissions", () => {
  it("bucket permissions - an organisation has full use of its own two buckets and of no other organisation's", () => {
    const org = small.organisations.find((o) => o.id === M)!;
    const subjects = organisationGrants(org).map((g) => g.subject);
    expect([...bucketsIn(subjects)].sort()).toEqual([caseStateBucket(M), orgStateBucket(M)].sort());
    for (const bucket of [orgStateBucket(M), caseStateBucket(M)]) {
      for (const g of bucketGrants(bucket)) expect(subjects, `${bucket}: ${g.subject}`).toContain(g.subject);
    }
    expect(subjects).toContain(JS_API.streamInfo(JS_API.kvStream(caseStateBucket(M))));
    for (const other of small.organisations.filter((o) => o.id !== M)) {
      const theirs = bucketsIn(organisationGrants(other).map((g) => g.subject));
      expect(theirs.has(caseStateBucket(M)), `${other.id} reaches ${M}'s case state`).toBe(false);
      expect(theirs.has(orgStateBucket(M)), `${other.id} reaches ${M}'s state`).toBe(false);
    }
  });

  it("bucket permissions - an organisation's grants are as many at 150 organisations as at 13", () => {
    const count = (registry: typeof small, id: string) => organisationGrants(registry.organisations.find((o) => o.id === id)!).length;
    for (const id of [M, "vpr", "fed-police"]) expect(count(large, id), id).toBe(count(small, id));
  });
});
