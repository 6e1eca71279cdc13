/**
 * Bad input to the CLI ends with exit code 2 and one line naming the problem, and nothing is
 * published: checked against a real, secured bus whose stream must stay empty. A valid post at
 * the end proves the same setup does publish.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAMS } from "@schakel/contracts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { runBinary, runInProcess, type CliResult } from "./support/run-cli.ts";

let bus: SchakelServer;
let g: string[];

beforeAll(async () => {
  bus = await startSchakelServer();
  g = ["--data", bus.dataDir, "--server", bus.url];
});
afterAll(async () => {
  await bus?.cleanup();
});

const stored = async (): Promise<number> => (await (await bus.jsm()).streams.info(STREAMS.coord.name)).state.messages;
const post = ["notice", "post", "--as", "fed-ocam", "--to", "antwerpen,mechelen,vilvoorde", "--body", "Level 2 remains for public events."];

function expectUsage(r: CliResult, problem: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(problem);
  expect(r.stdout).toBe("");
}

describe("cli validation", () => {
  it("validation - an unknown organisation exits 2 naming it (real binary)", async () => {
    expectUsage(await runBinary([...g, "notice", "post", "--as", "atlantis", "--to", "mechelen", "--title", "Threat update", "--body", "x"]), /unknown organisation "atlantis"; known: .*fed-ocam/);
  });

  it("validation - a missing title exits 2 naming --title (real binary)", async () => {
    expectUsage(await runBinary([...g, ...post]), /required option '--title <text>' not specified/);
  });

  it("validation - an unknown audience exits 2 naming it", async () => {
    expectUsage(await runInProcess([...g, ...post.slice(0, 5), "mechelen,narnia", ...post.slice(6), "--title", "Threat update"]), /--to: unknown audience "narnia"/);
  });

  it("validation - a bad duration exits 2 naming --ack-by", async () => {
    expectUsage(await runInProcess([...g, ...post, "--title", "Threat update", "--ack-by", "3 days"]), /--ack-by "3 days" is neither a duration/);
    expectUsage(await runInProcess([...g, ...post, "--title", "Threat update", "--ack-by", "2020-01-01T00:00:00Z"]), /--ack-by .* is in the past/);
  });

  it("validation - field rules are reported as the option that broke them", async () => {
    expectUsage(await runInProcess([...g, ...post, "--title", "x"]), /--title: a title needs at least 3 characters/);
    expectUsage(await runInProcess([...g, ...post, "--title", "Threat update", "--category", "gossip"]), /--category "gossip" is not one of threat-assessment/);
    expectUsage(await runInProcess([...g, ...post, "--title", "Threat update", "--forms", "jihadist,anarchist"]), /--forms "anarchist" is not one of/);
  });

  it("validation - personal data in a clear message is refused, naming the option and pointing to a case consultation", async () => {
    // 85.07.30-033.28: a national register number whose check digits match (97 - 850730033 mod 97 = 28).
    expectUsage(await runInProcess([...g, "notice", "post", "--as", "fed-ocam", "--to", "mechelen", "--title", "Release", "--body", "Person 85.07.30-033.28 is released."]),
      /--body: .*national register number.*case consultation/);
    expectUsage(await runInProcess([...g, "coordination", "request", "--as", "mechelen", "--to", "fed-police", "--ask", "align", "--topic", "Follow-up of LIVC-MECH-2026-0042", "--body", "x"]),
      /--topic: .*case reference/);
  });

  it("validation - an organisation without the role may not send the type", async () => {
    expectUsage(await runInProcess([...g, "notice", "post", "--as", "onderwijs", "--to", "gent", "--title", "Threat update", "--body", "x"]), /"onderwijs" .* may not send notice.posted/);
    // A municipality posts notices, but only to its neighbours and its province.
    expectUsage(await runInProcess([...g, "notice", "post", "--as", "mechelen", "--to", "gent", "--title", "Threat update", "--body", "x"]), /may address only the municipalities that border on it/);
    expectUsage(await runInProcess([...g, "signal", "raise", "--as", "fed-ocam", "--kind", "incident", "--severity", "high", "--title", "Graffiti", "--description", "x"]), /may not send signal.raised/);
  });

  it("validation - other commands check their input the same way", async () => {
    expectUsage(await runInProcess([...g, "notice", "ack", "not-an-id", "--as", "mechelen"]), /NOTICE_ID "not-an-id" is not an id/);
    expectUsage(await runInProcess([...g, "signal", "raise", "--as", "vilvoorde", "--kind", "incident", "--severity", "apocalyptic", "--title", "Graffiti", "--description", "x"]), /--severity "apocalyptic" is not one of low, medium, high, critical/);
    expectUsage(await runInProcess([...g, "coordination", "request", "--as", "mechelen", "--to", "fed-police", "--ask", "beg", "--topic", "Release", "--body", "x"]), /--ask "beg"/);
    expectUsage(await runInProcess([...g, "feed", "--as", "vpr", "--type", "gossip.*"]), /--type "gossip.\*" matches no message type/);
    expectUsage(await runInProcess([...g, "feed", "--as", "vpr", "--since", "yesterday"]), /--since "yesterday"/);
    expectUsage(await runInProcess([...g, "contracts", "show", "notice.sent"]), /unknown message type "notice.sent"/);
  });

  it("validation - nothing was published by any of the refused commands", async () => {
    expect(await stored()).toBe(0);
  });

  it("validation - an unreachable bus with --wait 0 exits 3 at once with one line", async () => {
    const r = await runInProcess(["--data", bus.dataDir, "--server", "nats://127.0.0.1:1", "--wait", "0", ...post, "--title", "Threat update"]);
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach the bus at nats:\/\/127.0.0.1:1 \(.+\): is "npx schakel up" running\?/);
  });

  it("validation - the same command with valid input publishes one copy per audience", async () => {
    const r = await runInProcess([...g, ...post, "--title", "Threat update", "--ack-by", "1h", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { noticeId: string; traceId: string; copies: unknown[] };
    expect(out.noticeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(out.copies).toHaveLength(3);
    expect(await stored()).toBe(3);
  });
});
