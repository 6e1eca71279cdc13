/**
 * After reading its backlog the console runs one full garbage collection (backlog-memory.ts), so
 * what the backlog grew is given back while the console idles. Proven with a weak reference: the
 * object it points to is gone only if a full collection ran; the process's own global `gc` stays
 * undefined.
 */
import { describe, expect, it } from "vitest";
import { releaseBacklogMemory } from "../src/ingest/backlog-memory.ts";

/** A weak reference to an object nothing else holds (made in its own function, so no local keeps it). */
function garbage(): WeakRef<object> {
  return new WeakRef({ backlog: new Array(10_000).fill("message") });
}

describe("console - memory after the backlog", () => {
  it("console - one full collection runs: an unreachable object is gone, the process's global gc stays undefined", async () => {
    const ref = garbage();
    expect(ref.deref()).toBeDefined();
    // A weak reference keeps its target for the rest of the job that made or read it.
    await new Promise((r) => setImmediate(r));
    expect(releaseBacklogMemory()).toBe(true);
    expect(ref.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
