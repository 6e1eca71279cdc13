/**
 * `up`'s heap while it starts (src/starting-heap.ts), in child processes started like the
 * production start (`--heap-growing-percent=25`) and like development (no flag): only the first
 * has its growth lifted and, once settled, one full collection that sets the heap's limit.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const CHILD = fileURLToPath(new URL("./fixtures/starting-heap-child.ts", import.meta.url));

async function childWith(flags: string[]): Promise<{ whileStarting: number; afterSettling: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, "--import", "tsx", CHILD], { timeout: 30_000 });
  return JSON.parse(stdout) as { whileStarting: number; afterSettling: number };
}

describe("the heap while up starts", () => {
  it("started with a fixed growth, settling collects once, however often it is called", async () => {
    const seen = await childWith(["--heap-growing-percent=25"]);
    expect(seen).toEqual({ whileStarting: 0, afterSettling: 1 });
  });

  it("started without one (development), it changes nothing and collects nothing", async () => {
    const seen = await childWith([]);
    expect(seen).toEqual({ whileStarting: 0, afterSettling: 0 });
  });
});
