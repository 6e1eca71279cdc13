import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RecordBucket } from "@schakel/contracts/bus";
import { memoryRecordStore } from "@schakel/contracts/bus/testing";

const Note = z.object({ text: z.string() });

describe("records - the in-memory store keeps a bucket's compare-and-set rules", () => {
  it("records - create once, stale updates conflict, mutate retries, keys filter by prefix", async () => {
    const store = memoryRecordStore();
    const notes = new RecordBucket(store, Note, "note", "note");
    const other = new RecordBucket(store, Note, "other", "other");
    const first = await notes.create("a", { text: "first" });
    expect(first.created).toBe(true);
    const again = await notes.create("a", { text: "second" });
    expect(again).toMatchObject({ created: false, existing: { key: "a", value: { text: "first" } } });
    const current = (await notes.get("a"))!;
    expect(await notes.update("a", { text: "changed" }, current.revision)).toMatchObject({ ok: true });
    expect(await notes.update("a", { text: "stale" }, current.revision)).toEqual({ ok: false, conflict: true });
    expect((await notes.mutate("a", (n) => (n ? { text: `${n.text}!` } : undefined)))?.value).toEqual({ text: "changed!" });
    await other.put("b", { text: "elsewhere" });
    expect(await notes.keys()).toEqual(["a"]);
    expect(await other.keys()).toEqual(["b"]);
  });
});
