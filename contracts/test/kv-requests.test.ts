/**
 * A bucket's records read and written through the bus's one publisher (kv-requests.ts) behave as
 * the KV client's own get, put, create and update, on a real server: what one writes the other
 * reads, a missing or deleted record is absent, a create over a live record and an update with a
 * stale revision are revision conflicts, a create over a deleted record succeeds, and an
 * organisation still cannot reach another's bucket.
 */
import { describe, expect, it } from "vitest";
import { orgStateBucket } from "@schakel/contracts";
import { isRevisionConflict, openBucket, pipelinedStore, type RecordStore } from "@schakel/contracts/bus";
import { fileBus } from "./helpers.ts";

const enc = new TextEncoder();
const text = (e: { value: Uint8Array } | null): string | undefined => (e ? new TextDecoder().decode(e.value) : undefined);

/** The error `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("bus - bucket records through the bus's publisher", () => {
  const t = fileBus({ mechelen: "mechelen", antwerpen: "antwerpen" });

  it("bus - reads and writes agree with the KV client's, conflicts included", async () => {
    const kv = await openBucket(t.mechelen, orgStateBucket("mechelen"));
    const store: RecordStore = pipelinedStore(kv);
    expect(store).not.toBe(kv);
    expect(pipelinedStore(kv)).toBe(store); // one per bucket

    // Absent, then written here and read by the KV client, and the other way round.
    expect(await store.get("test.absent")).toBeNull();
    const r1 = await store.put("test.a", "one");
    const viaClient = await kv.get("test.a");
    expect({ text: viaClient?.string(), revision: viaClient?.revision, operation: viaClient?.operation }).toEqual({ text: "one", revision: r1, operation: "PUT" });
    const r2 = await kv.put("test.b", "two");
    expect(await store.get("test.b")).toMatchObject({ revision: r2, operation: "PUT" });
    expect(text(await store.get("test.b"))).toBe("two");

    // Create: once; over a live record a revision conflict, the record unchanged.
    const c1 = await store.create("test.c", enc.encode("first"));
    const conflict = await failure(store.create("test.c", enc.encode("second")));
    expect(isRevisionConflict(conflict)).toBe(true);
    expect(await store.get("test.c")).toMatchObject({ revision: c1 });
    expect(text(await store.get("test.c"))).toBe("first");

    // Update: with the current revision it writes, with a stale one it is a conflict.
    const u1 = await store.update("test.c", enc.encode("third"), c1);
    expect(u1).toBeGreaterThan(c1);
    expect(isRevisionConflict(await failure(store.update("test.c", enc.encode("fourth"), c1)))).toBe(true);
    expect(text(await store.get("test.c"))).toBe("third");

    // A deleted record reads as deleted, and a create over it succeeds (as the KV client's does).
    await kv.delete("test.c");
    expect((await store.get("test.c"))?.operation).toBe("DEL");
    const c2 = await store.create("test.c", enc.encode("again"));
    expect(text(await store.get("test.c"))).toBe("again");
    expect((await kv.get("test.c"))?.revision).toBe(c2);

    // Keys are still listed by the KV client.
    const keys: string[] = [];
    for await (const k of await store.keys("test.>")) keys.push(k);
    expect(keys.sort()).toEqual(["test.a", "test.b", "test.c"]);
  });

  it("bus - an organisation still reaches only its own bucket", async () => {
    // A bucket opened in another's name binds (binding asks nothing), but every read and write is refused.
    const foreign = pipelinedStore(await openBucket(t.antwerpen, orgStateBucket("mechelen")));
    const read = await failure(foreign.get("test.a"));
    const write = await failure(foreign.put("test.x", "mine now"));
    expect(String(read)).toContain(`Permissions Violation for Publish to "$JS.API.STREAM.MSG.GET.KV_org-mechelen"`);
    expect(String(write)).toContain(`Permissions Violation for Publish to "$KV.org-mechelen.test.x"`);
    const own = await openBucket(t.mechelen, orgStateBucket("mechelen"));
    expect(await own.get("test.x")).toBeNull();
  });
});
