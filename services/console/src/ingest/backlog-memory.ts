/**
 * Giving back what reading the backlog took. Reading a large store at start verifies and parses
 * every stored message once; the model keeps a fixed window of them and the rest is garbage, but
 * V8 collects the old space only as it grows again, so the heap the backlog grew stays reserved
 * while the console idles. A full collection every so many messages of the backlog, and one as
 * the console goes from reading to serving (feed-reader.ts), keep it near the window's size
 * (docs/BENCHMARKS.md: console RSS after 50 000 stored against 10 000, 1.28–1.30× before,
 * 1.17–1.19× after).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** V8's `gc`, taken once: undefined until first asked, null when this V8 does not offer one. */
let collector: (() => void) | null | undefined;

/** V8's `gc`: it exists only in contexts made after the flag is set, so the process's own global stays as it was. */
function gcFunction(): (() => void) | null {
  if (collector === undefined) {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
    collector = typeof gc === "function" ? (gc as () => void) : null;
  }
  return collector;
}

/** Runs one full garbage collection now; false when this V8 does not offer one. */
export function releaseBacklogMemory(): boolean {
  const gc = gcFunction();
  if (!gc) return false;
  // Without arguments: a full, synchronous collection (measured; `{ type: "major", … }` collected nothing here).
  gc();
  return true;
}
