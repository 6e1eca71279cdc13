/**
 * Exit codes from error codes, in one place: 2 for bad input, 3 only for a bus that may come back,
 * 1 for the rest. Against a real server: a full stream is not retried for the whole --wait and
 * mistaken for an outage, but ends at once with exit 1 and a line that names the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleData, SchakelError, SchemaError, STREAMS } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { EXIT, exitCodeFor } from "../src/exit-codes.ts";
import { runInProcess } from "./support/run-cli.ts";

describe("cli exit codes", () => {
  it("exit codes - bad input is 2, a bus that may come back 3, a refusal, a limit or an unknown failure 1", () => {
    const exit = (code: ConstructorParameters<typeof SchakelError>[0], retryable?: boolean) =>
      exitCodeFor(new SchakelError(code, "x", {}, retryable === undefined ? {} : { retryable }));
    for (const code of ["schema", "unknown-type", "subject", "unknown-organisation", "unknown-audience", "not-allowed", "payload-too-large"] as const) expect(exit(code), code).toBe(EXIT.usage);
    expect(exitCodeFor(new SchemaError("notice", []))).toBe(EXIT.usage);
    expect(exit("unreachable")).toBe(EXIT.unreachable);
    // Only an outage that waiting may end is exit 3.
    expect(exit("unreachable", false)).toBe(EXIT.failure);
    for (const code of ["credentials-refused", "limit", "failed", "timeout", "conflict", "refused", "signature"] as const) expect(exit(code), code).toBe(EXIT.failure);
  });
});

describe("cli exit codes against a full stream", () => {
  let s: SchakelServer;
  beforeAll(async () => {
    s = await startSchakelServer();
  });
  afterAll(() => s?.cleanup());

  it("exit codes - a notice refused by a full stream ends at once with exit 1 naming the stream, not after --wait as unreachable", async () => {
    const jsm = await s.jsm();
    const ocam = await s.connectAs("fed-ocam");
    await ocam.publish("notice.posted", sampleData("notice.posted"), { to: "mechelen" });
    const { config, state } = await jsm.streams.info(STREAMS.coord.name);
    await jsm.streams.update(STREAMS.coord.name, { ...config, max_msgs: state.messages, discard: "new" as never });
    try {
      const started = performance.now();
      const r = await runInProcess(["--data", s.dataDir, "--server", s.url, "--wait", "20s", "notice", "post", "--as", "fed-ocam", "--to", "mechelen", "--title", "Threat update", "--body", "Level 2 remains."]);
      expect(r.code, r.stderr).toBe(EXIT.failure);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(r.stderr).toContain("COORD refused to store notice.posted on coord.mechelen.fed-ocam.notice.posted");
      expect(r.stderr).toContain("raise it in provisioning");
      expect(r.stderr).not.toMatch(/sending it again|retrying|is "npx schakel up" running/);
    } finally {
      await jsm.streams.update(STREAMS.coord.name, config);
    }
  });
});
